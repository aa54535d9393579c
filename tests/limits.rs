//! Sizes a user controls are refused past their documented limit, before anything is
//! allocated for them (issue 15), through the real binary.

mod run;

use run::{mlex_in, write_file};

#[test]
fn categories_past_the_limit_are_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = write_file(dir.path(), "d.txt", "0\n1\n2\n");
    for k in ["1001", "18446744073709551615"] {
        let (code, stdout, stderr) =
            mlex_in(dir.path(), ["fit", &data, "-m", "categorical", "--categories", k]);
        assert_eq!((code, stdout.as_str()), (2, ""), "{k}: {stderr}");
        assert!(stderr.contains("1000") && !stderr.contains("panicked"), "{k}: {stderr}");
    }
    // Data whose largest value asks for more categories than the limit.
    let wide = write_file(dir.path(), "wide.txt", "0\n1\n1000\n");
    let (code, _, stderr) = mlex_in(dir.path(), ["fit", &wide, "-m", "categorical"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("wide.txt") && stderr.contains("1000"), "{stderr}");
}
