//! The engine's layers import downwards only: `format` (numbers as text) imports nothing of
//! the crate; `stats` (families, samples, the model seam) nothing but itself; `optim` only
//! `stats`; `report` and `words` only those; nothing below the terminal explorer imports it.
//! Read from the source, so a new import that would close a cycle fails here.

use std::path::Path;

/// The crate modules a module's files name in `use crate::…` or `crate::…::` paths, comments
/// left out.
fn imports(module: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join(format!("{module}.rs"))];
    let dir = root.join(module);
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else { continue };
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name != module && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_engine_imports_downwards_only() {
    let allowed: &[(&str, &[&str])] = &[
        ("format", &[]),
        ("stats", &[]),
        ("optim", &["stats"]),
        ("report", &["format", "optim", "stats"]),
        ("words", &["format", "optim", "stats"]),
    ];
    for (module, may) in allowed {
        let found = imports(module);
        let extra: Vec<&String> = found.iter().filter(|m| !may.contains(&m.as_str())).collect();
        assert!(extra.is_empty(), "{module} imports {extra:?}; it may import only {may:?}");
    }
}

#[test]
fn nothing_headless_imports_the_explorer() {
    for module in ["format", "stats", "optim", "report", "words", "runner", "scenario", "data"] {
        assert!(!imports(module).contains(&"tui".to_string()), "{module} imports the explorer");
    }
}
