//! Numbers as text, for every output: the report's JSON-adjacent table and CSV, error
//! messages, and the explorer's panes. A leaf module: it imports nothing of the engine, so
//! the engine can name a value in an error without depending on the report.

use serde_json::Value;

/// A number as short as it reads back exactly: plain decimals from 1e-4 to 1e15, scientific
/// notation outside (so 1e300 is not 301 digits and 1e-300 not 0.000…).
#[must_use]
pub fn exact(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-4..1e15).contains(&x.abs()) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// A number to `digits` decimals, or to that many significant digits in scientific notation
/// where fixed decimals would show only zeros or far too many digits.
#[must_use]
pub fn fixed(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() || (1e-4..1e15).contains(&x.abs()) {
        format!("{x:.digits$}")
    } else {
        format!("{x:.digits$e}")
    }
}

/// `{mu = 1.5, sigma = 2}` from a JSON object, numbers to ten decimals.
#[must_use]
pub fn compact(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let parts: Vec<String> =
                map.iter().map(|(k, v)| format!("{k} = {}", compact(v))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(compact).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Number(n) if n.is_u64() || n.is_i64() => n.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| fixed(f, 10)),
        other => other.to_string(),
    }
}

/// A number in at most 7 significant digits, switching to exponents when large or small;
/// infinities and NaN as words, never as digits.
#[must_use]
pub fn readable(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "undefined".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        format!("{v:.4e}")
    } else {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }
}

/// `mantissa × 10^exponent` with the mantissa to `digits` decimals, carried into the
/// exponent when rounding makes it 10 (9.9996 × 10^-1 reads 1.000 × 10^0, never
/// 10.000 × 10^-1).
#[must_use]
pub fn times_ten(mantissa: f64, exponent: i64, digits: usize) -> String {
    if !mantissa.is_finite() {
        return readable(mantissa);
    }
    let shown = format!("{mantissa:.digits$}");
    match shown.parse::<f64>() {
        Ok(v) if v.abs() >= 10.0 => {
            format!("{:.digits$} × 10^{}", mantissa / 10.0, exponent + 1)
        }
        _ => format!("{shown} × 10^{exponent}"),
    }
}

/// A number in at most about 7 characters, for axis labels.
#[must_use]
pub fn axis(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.1e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers_read_back_exactly_without_runs_of_zeros() {
        for (x, text) in [
            (1e300, "1e300"),
            (1e-300, "1e-300"),
            (5e-324, "5e-324"),
            (-2.5e-7, "-2.5e-7"),
            (0.0, "0"),
            (-0.25, "-0.25"),
            (1234.5, "1234.5"),
            (1e15, "1e15"),
        ] {
            assert_eq!(exact(x), text);
            assert_eq!(text.parse::<f64>().ok(), Some(x));
        }
        assert_eq!(fixed(1e-300, 3), "1.000e-300");
        assert_eq!(fixed(2.0, 3), "2.000");
    }

    #[test]
    fn a_mantissa_that_rounds_to_ten_carries_into_the_exponent() {
        assert_eq!(times_ten(9.9996, -1, 3), "1.000 × 10^0");
        assert_eq!(times_ten(9.999_999_99, -121, 6), "1.000000 × 10^-120");
        assert_eq!(times_ten(3.873, -121, 3), "3.873 × 10^-121");
        assert_eq!(times_ten(9.9994, 5, 3), "9.999 × 10^5");
        assert_eq!(times_ten(f64::NAN, 0, 3), "undefined");
    }

    #[test]
    fn readable_names_what_is_not_a_number() {
        assert_eq!(readable(f64::INFINITY), "∞");
        assert_eq!(readable(f64::NEG_INFINITY), "−∞");
        assert_eq!(readable(f64::NAN), "undefined");
        assert_eq!(readable(-0.0), "0");
        assert_eq!(readable(1.25), "1.25");
        assert_eq!(readable(1.5e9), "1.5000e9");
        assert_eq!(axis(1234.0), "1234");
        assert_eq!(axis(0.5), "0.500");
    }
}
