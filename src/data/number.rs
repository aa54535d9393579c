//! One data value: its text to a finite `f64`, or the reason it cannot be fitted.
//!
//! The accepted spelling is exactly Rust's `f64` syntax (`[+-]` digits, `.`, `e`, and
//! `inf`/`infinity`/`nan` in any case); fast-float2 reads it with the same correctly rounded
//! result, about a third faster than `str::parse`. The tests below prove both agree.

/// Why a piece of text is not a number that can be fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BadNumber {
    /// Not a number at all.
    NotNumber,
    /// Spelled `nan`.
    NaN,
    /// Spelled `inf` or `infinity`.
    Infinite,
    /// A finite spelling beyond the range of `f64`, such as `1e400`.
    Overflow,
}

impl BadNumber {
    /// The message for `text`, with `hint` (empty, or starting with a space) after the
    /// "not a number" case only: the other cases are already specific.
    pub(super) fn message(self, text: &str, hint: &str) -> String {
        let quoted = super::quote(text);
        match self {
            Self::NotNumber => format!("{quoted} is not a number{hint}"),
            Self::NaN => "NaN is not a number that can be fitted".to_owned(),
            Self::Infinite => format!("{quoted}: infinite values cannot be fitted"),
            Self::Overflow => {
                format!(
                    "{quoted} is too large for a 64-bit float (the largest magnitude is about 1.8e308)"
                )
            }
        }
    }
}

/// Parses one trimmed value, refusing everything that is not finite.
pub(super) fn parse_number(text: &str) -> Result<f64, BadNumber> {
    match fast_float2::parse::<f64, _>(text) {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() => Err(BadNumber::NaN),
        Ok(_) => Err(infinite_or_overflow(text)),
        Err(_) => Err(BadNumber::NotNumber),
    }
}

/// The finite number a line holds alone, read from `rest`, the bytes from the line's start:
/// the value and the length of its text, which is the line trimmed, so the value is the one
/// [`parse_number`] gives for it. `None` when the line holds anything else or more.
///
/// Reading the number first finds where the line ends, so most lines of a plain file are
/// looked at once rather than searched for their end, trimmed and then read.
pub(super) fn number_line(rest: &[u8]) -> Option<(f64, usize)> {
    // A number starts and ends with a visible character, so nothing before or after it is
    // trimmed away but a carriage return.
    leading_number(rest, |after| matches!(after, [] | [b'\n', ..] | [b'\r', b'\n', ..]))
}

/// The finite number a CSV field holds alone (no space, no quotes), read from `rest`, the
/// bytes from the field's start, with fields split by `delimiter`: the value and the length
/// of the field, so the value is the one [`parse_number`] gives for it. `None` when the
/// field holds anything else or more.
pub(super) fn number_field(rest: &[u8], delimiter: u8) -> Option<(f64, usize)> {
    leading_number(rest, |after| after.first().is_none_or(|&b| b == delimiter))
}

/// The finite number at the start of `rest` and the length of its text, when `ends` accepts
/// the bytes after it.
fn leading_number(rest: &[u8], ends: impl Fn(&[u8]) -> bool) -> Option<(f64, usize)> {
    let (value, len) = fast_float2::parse_partial::<f64, _>(rest).ok()?;
    (value.is_finite() && ends(&rest[len..])).then_some((value, len))
}

/// Both `inf` and `1e400` read as infinity; only the spelling tells them apart.
fn infinite_or_overflow(text: &str) -> BadNumber {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        BadNumber::Infinite
    } else {
        BadNumber::Overflow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;

    /// The reader before fast-float2, kept as the definition of the accepted syntax.
    fn reference(text: &str) -> Result<f64, BadNumber> {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(v) if v.is_nan() => Err(BadNumber::NaN),
            Ok(_) => Err(infinite_or_overflow(text)),
            Err(_) => Err(BadNumber::NotNumber),
        }
    }

    /// Fails unless both readers give the same outcome and, for a number, the same bits.
    fn same_as_std(text: &str) -> Result<(), TestCaseError> {
        let ours = parse_number(text).map(f64::to_bits);
        let std = reference(text).map(f64::to_bits);
        prop_assert_eq!(ours, std, "{:?}", text);
        // Non-finite results are compared on the raw value too, sign included.
        let raw_ours = fast_float2::parse::<f64, _>(text).ok().map(f64::to_bits);
        let raw_std = text.parse::<f64>().ok().map(f64::to_bits);
        if raw_std.is_some_and(|b| !f64::from_bits(b).is_nan()) {
            prop_assert_eq!(raw_ours, raw_std, "{:?}", text);
        } else {
            prop_assert_eq!(raw_ours.is_some(), raw_std.is_some(), "{:?}", text);
        }
        Ok(())
    }

    #[test]
    fn syntax_edges_agree_with_std() {
        let cases = [
            "",
            "+",
            "-",
            ".",
            "+.",
            "-.5",
            "5.",
            ".5e3",
            "1e",
            "1e+",
            "1E-3",
            "e5",
            "1_0",
            "0x10",
            "1..2",
            "1.2.3",
            " 1",
            "1 ",
            "١",
            "inf",
            "+inf",
            "-INF",
            "infinity",
            "-Infinity",
            "infinit",
            "infinityx",
            "nan",
            "NaN",
            "-nan",
            "+NaN",
            "nan(1)",
            "nanx",
            "1e400",
            "-1e400",
            "1e-400",
            "4.9e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
            "9007199254740993",
            "-0",
            "+0.0e-0",
            "00000000000000000000000001",
            "1e00000000000000000009",
            "0.000000000000000000000000000000000000000000000000000000000000000000000000000001e78",
            "1e-2147483649",
            "1e2147483648",
            "1e18446744073709551616",
        ];
        for text in cases {
            if let Err(e) = same_as_std(text) {
                panic!("{e}");
            }
        }
    }

    /// Decimal spellings built to reach the hard cases: long mantissas (the slow path past
    /// 19 digits), exponents near overflow and underflow, signs, and stray characters.
    fn decimal() -> impl Strategy<Value = String> {
        (
            "[+-]?",
            "[0-9]{0,30}",
            proptest::option::of("[0-9]{0,30}"),
            proptest::option::of(("[eE]", "[+-]?", -400..400i32)),
            "[0-9]{0,700}",
            prop_oneof![4 => Just(String::new()), 1 => "[ .eE+_x0-9-]"],
        )
            .prop_map(|(sign, int, frac, exp, long, junk)| {
                let mut text = format!("{sign}{int}");
                if let Some(frac) = frac {
                    text.push('.');
                    text.push_str(&frac);
                    // Occasionally a very long fraction, as some exports write.
                    if frac.len() % 7 == 3 {
                        text.push_str(&long);
                    }
                }
                if let Some((e, esign, value)) = exp {
                    write!(text, "{e}{esign}{}", value.unsigned_abs())
                        .expect("writing to a String cannot fail");
                }
                text.push_str(&junk);
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn decimal_spellings_agree_with_std(text in decimal()) {
            same_as_std(&text)?;
        }

        #[test]
        fn every_f64_reads_back_to_the_last_bit(bits in any::<u64>(), digits in 0..25usize) {
            let x = f64::from_bits(bits);
            for text in [format!("{x}"), format!("{x:e}"), format!("{x:.digits$e}"), format!("{x:.digits$}")] {
                same_as_std(&text)?;
            }
        }

        #[test]
        fn short_arbitrary_text_agrees_with_std(text in "[-+.eEinftyaINFTYA0-9 x_]{0,12}") {
            same_as_std(&text)?;
        }

        #[test]
        fn any_unicode_agrees_with_std(text in any::<String>()) {
            same_as_std(&text)?;
        }

        #[test]
        fn a_number_alone_on_its_line_reads_as_parse_number(
            text in prop_oneof![decimal(), "[-+.eEinfa0-9 x_#]{0,8}"],
            end in prop_oneof![Just(""), Just("\n"), Just("\r\n"), Just("\n7\n"), Just("\r"), Just(" "), Just(",2"), Just("x")],
        ) {
            let line = format!("{text}{end}");
            let alone = ["", "\n", "\r\n", "\n7\n"].contains(&end);
            let want = parse_number(&text).ok().filter(|_| alone).map(|v| (v.to_bits(), text.len()));
            let got = number_line(line.as_bytes()).map(|(v, len)| (v.to_bits(), len));
            prop_assert_eq!(got, want, "{:?}", line);
        }

        #[test]
        fn a_number_alone_in_its_field_reads_as_parse_number(
            text in prop_oneof![decimal(), "[-+.eEinfa0-9 x_\"]{0,8}"],
            end in prop_oneof![Just(""), Just(","), Just(",7,x"), Just(" ,"), Just("\""), Just(";2"), Just("\n")],
        ) {
            let field = format!("{text}{end}");
            let alone = ["", ",", ",7,x"].contains(&end);
            let want = parse_number(&text).ok().filter(|_| alone).map(|v| (v.to_bits(), text.len()));
            let got = number_field(field.as_bytes(), b',').map(|(v, len)| (v.to_bits(), len));
            prop_assert_eq!(got, want, "{:?}", field);
        }
    }
}
