//! Checks that keep the map true, run by `cargo xtask test`: every file or directory
//! ARCHITECTURE.md names exists in the repository, every Rust module opens with its one-line
//! `//!`, and the app's measured size is written in one place (BENCHMARKS.md, by the bench;
//! `cargo xtask size` prints it), not copied into the docs where it goes stale.

use std::path::Path;
use std::process::Command;

use crate::cmd;

/// The crates whose every module says what it holds.
const CRATES: [&str; 5] = [
    "src/",
    "server/src/",
    "meeting/src/",
    "sandbox/src/",
    "xtask/src/",
];

/// Docs that point to the size instead of stating it (a saving, as "7.7 KB less", is fine).
const NO_SIZE_FIGURES: [&str; 2] = ["README.md", "ARCHITECTURE.md"];

pub fn check(root: &Path) -> Result<(), String> {
    let tracked = cmd::output(Command::new("git").arg("-C").arg(root).arg("ls-files"))
        .ok_or("git ls-files failed")?;
    let files: Vec<&str> = tracked.lines().collect();
    let mut problems = Vec::new();
    let architecture = read(root, "ARCHITECTURE.md")?;
    for name in named_paths(&architecture) {
        if !exists(&files, &name) {
            problems.push(format!(
                "ARCHITECTURE.md names `{name}`, which does not exist"
            ));
        }
    }
    for file in files
        .iter()
        .filter(|f| f.ends_with(".rs") && CRATES.iter().any(|c| f.starts_with(c)))
    {
        if !read(root, file)?.starts_with("//!") {
            problems.push(format!(
                "{file} does not open with a `//!` line saying what it holds"
            ));
        }
    }
    for doc in NO_SIZE_FIGURES {
        for figure in size_figures(&read(root, doc)?) {
            problems.push(format!(
                "{doc} states a size ({figure}); point to `cargo xtask size` or BENCHMARKS.md"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the docs and the code disagree:\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn read(root: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))
}

/// Paths in backticks (and the first column of the layout block) that name a file or
/// directory of the repository: with a known top directory, or a file name with an
/// extension. Placeholders (`<lang>`), globs, URLs, built output and sentences are not paths.
fn named_paths(markdown: &str) -> Vec<String> {
    const TOP: [&str; 10] = [
        "src/", "server/", "meeting/", "sandbox/", "xtask/", "tests/", "bench/", "style/",
        "public/", "fuzz/",
    ];
    const EXTENSIONS: [&str; 6] = [".rs", ".md", ".toml", ".json", ".css", ".html"];
    let mut tokens: Vec<&str> = markdown.split('`').skip(1).step_by(2).collect();
    let mut in_block = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if in_block {
            // The first column ends where two spaces start the description.
            let first = line.split("  ").next().unwrap_or("");
            tokens.extend(first.split(", "));
        }
    }
    let mut out: Vec<String> = tokens
        .into_iter()
        .map(|t| t.trim_end_matches(','))
        .filter(|t| !t.contains(['<', '*', ' ', '=', '…']) && !t.starts_with('/'))
        .filter(|t| {
            TOP.iter().any(|top| t.starts_with(top)) || EXTENSIONS.iter().any(|e| t.ends_with(e))
        })
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A tracked file is `name`, lies under it (a directory), or ends with it (a path given
/// relative to the row's context, as `goto/rest.rs`).
fn exists(tracked: &[&str], name: &str) -> bool {
    tracked.iter().any(|f| {
        *f == name
            || (name.ends_with('/') && f.starts_with(name))
            || f.starts_with(&format!("{name}/"))
            || f.ends_with(&format!("/{name}"))
    })
}

/// Figures like `158.4 KB`: the size of the first load (100 KB or more), not a saving.
fn size_figures(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| {
            w[1].starts_with("KB")
                && w[0]
                    .trim_start_matches('(')
                    .split_once('.')
                    .is_some_and(|(a, b)| {
                        a.len() >= 3
                            && a.chars().all(|c| c.is_ascii_digit())
                            && b.len() == 1
                            && b.chars().all(|c| c.is_ascii_digit())
                    })
        })
        .map(|w| format!("{} KB", w[0].trim_start_matches('(')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_from_backticks_and_the_layout_block() {
        let md = "```\nsrc/   the app\nCargo.toml, index.html   root\n```\n\
                  | a | `server/src/lib.rs` (`app`), `goto/rest.rs`, `/api/session`, \
                  `target/screenshots/x-<lang>.png`, `TZ=Europe/Madrid` |";
        assert_eq!(
            named_paths(md),
            vec![
                "Cargo.toml",
                "goto/rest.rs",
                "index.html",
                "server/src/lib.rs",
                "src/"
            ]
        );
    }

    #[test]
    fn a_path_exists_as_a_file_a_directory_or_a_tail() {
        let files = ["server/src/goto/rest.rs", "src/lib.rs"];
        assert!(exists(&files, "server/src/goto/rest.rs"));
        assert!(exists(&files, "goto/rest.rs"));
        assert!(exists(&files, "src/"));
        assert!(exists(&files, "server/src/goto"));
        assert!(!exists(&files, "src/app.rs"));
        assert!(!exists(&files, "rest"));
    }

    #[test]
    fn size_figures_are_found() {
        assert_eq!(
            size_figures("budget (158.6 KB, brotli) of 160 KB; 10 KB less, 7.7 KB saved"),
            vec!["158.6 KB"]
        );
    }
}
