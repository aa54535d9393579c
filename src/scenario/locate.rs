//! Where in a scenario's text an error sits: line and column of a byte offset, and the
//! dotted field (`truth.params.sigma`) at a toml error's span, found in what the TOML parser
//! recovers of the text, or on the line itself.

use std::ops::Range;

/// The dotted key path (`truth.params.sigma`) of the most deeply nested key that `hit`
/// accepts (given the key's span and its value's span), in what the TOML parser could
/// recover of `text`.
fn key_path(text: &str, hit: Hit<'_>) -> Option<String> {
    fn walk(table: &toml::de::DeTable<'_>, hit: Hit<'_>, path: &str, best: &mut Option<String>) {
        for (key, value) in table {
            let here = if path.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{path}.{}", key.get_ref())
            };
            if hit(&key.span(), &value.span()) && best.as_ref().is_none_or(|b| here.len() > b.len())
            {
                best.clone_from(&Some(here.clone()));
            }
            walk_value(value.get_ref(), hit, &here, best);
        }
    }
    fn walk_value(
        value: &toml::de::DeValue<'_>,
        hit: Hit<'_>,
        path: &str,
        best: &mut Option<String>,
    ) {
        match value {
            toml::de::DeValue::Table(t) => walk(t, hit, path, best),
            toml::de::DeValue::Array(items) => {
                for item in items {
                    walk_value(item.get_ref(), hit, path, best);
                }
            }
            _ => {}
        }
    }
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let mut best = None;
    walk(root.get_ref(), hit, "", &mut best);
    best
}

/// A test on a key's span and its value's span.
type Hit<'a> = &'a dyn Fn(&Range<usize>, &Range<usize>) -> bool;

/// The field a toml error is about: the key at its span; for "missing field `x`" (whose span
/// is the table that lacks it) the table's path and x. Where the parser recovered no key
/// there (a second, duplicate key; a syntax error), the key written on that line.
pub(super) fn toml_error_field(
    text: &str,
    msg: &str,
    span: Option<Range<usize>>,
) -> Option<String> {
    let missing = msg.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    match (missing, span) {
        (Some(name), span) => {
            let table = span.and_then(|s| {
                key_path(text, &|k, v| *v == s || (k.start >= s.start && k.end <= s.end))
            });
            Some(table.map_or_else(|| name.to_string(), |t| format!("{t}.{name}")))
        }
        (None, Some(s)) => key_path(text, &|k, v| k.contains(&s.start) || v.contains(&s.start))
            .or_else(|| line_key(text, s.start)),
        (None, None) => None,
    }
}

/// The key written on the line that holds byte `offset` (`key = …`, or a `[table]` header),
/// under the last table header above it.
fn line_key(text: &str, offset: usize) -> Option<String> {
    let (line, _) = line_col(text, offset);
    let mut table = String::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        let header = t.starts_with('[').then(|| t.trim_matches(['[', ']', ' ']).to_string());
        if i + 1 == line {
            if let Some(h) = header {
                return Some(h).filter(|h| !h.is_empty());
            }
            let key = t.split('=').next().map(str::trim).filter(|k| !k.is_empty())?;
            let key = key.trim_matches(['"', '\'']);
            return Some(if table.is_empty() { key.to_string() } else { format!("{table}.{key}") });
        }
        if let Some(h) = header {
            table = h;
        }
    }
    None
}

/// The start of the line that nests deepest (most `[`, `{` and `.`): where a document too
/// deep for the parser, which then says only "recursion limit" with no position, goes too
/// deep.
pub(super) fn deepest_line(text: &str) -> Option<Range<usize>> {
    let mut start = 0;
    let mut best = (0, None);
    for line in text.split_inclusive('\n') {
        let depth = line.chars().filter(|c| matches!(c, '[' | '{' | '.')).count();
        if depth > best.0 {
            best = (depth, Some(start..start));
        }
        start += line.len();
    }
    best.1
}

/// 1-based line and column of a byte offset (moved back to a character boundary).
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_inside_a_character_counts_from_its_start() {
        // 'é' is two bytes: offset 2 falls inside it.
        assert_eq!(line_col("aé\nb", 2), (1, 2));
        assert_eq!(line_col("aé\nb", 4), (2, 1));
        assert_eq!(line_col("a", 99), (1, 2));
    }

    #[test]
    fn a_duplicate_key_is_named_from_its_line_under_its_table() {
        let text = "[optimizer]\nstep_size = 1\nstep_size = 2\n";
        let at = text.rfind("step_size").expect("second key");
        assert_eq!(
            toml_error_field(text, "duplicate key", Some(at..at + 9)).as_deref(),
            Some("optimizer.step_size")
        );
    }

    #[test]
    fn a_missing_field_is_named_under_the_table_that_lacks_it() {
        let text = "title = \"t\"\n[model]\nstart = { mu = 1 }\n";
        let at = text.find("[model]").expect("header");
        let field = toml_error_field(text, "missing field `family`", Some(at..at + 7));
        assert_eq!(field.as_deref(), Some("model.family"));
        assert_eq!(toml_error_field("", "missing field `title`", None).as_deref(), Some("title"));
    }

    #[test]
    fn the_deepest_line_is_the_most_nested() {
        let text = "a = 1\nb = [[[1]]]\nc = 2\n";
        assert_eq!(deepest_line(text).map(|r| line_col(text, r.start)), Some((2, 1)));
    }
}
