//! `cargo xtask structure`: what a newcomer meets in the code, measured. For each crate: the
//! import circles between its files (a file using another through `crate::` or `super::`,
//! leaving out a module's own parent and children, whose dispatch is expected), the longest
//! functions, and the files that write each name or rule that should have one home.
//! `cargo xtask test` runs `check`, which fails on any import circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The crates read, by their source directory.
const CRATES: [&str; 5] = [
    "src",
    "server/src",
    "meeting/src",
    "sandbox/src",
    "xtask/src",
];

/// A name and the text that writes it; `cargo xtask structure` lists the files of the app,
/// the backend and the contract (outside their tests) holding a string literal with it (any
/// case; the language code only whole). xtask is left out: like the tests, it plays a
/// browser from outside.
const ONE_HOME: [(&str, &str); 5] = [
    ("the language cookie", "meetings-lang"),
    ("the sign-in popup's message type", "meetings-sign-in"),
    ("the CSRF header", "x-csrf"),
    ("the sign-in path", "/app/api/auth/serviceAction/login"),
    ("the Spanish language code", "es"),
];

/// The crates whose shared names should have one home.
const PRODUCT: [&str; 3] = ["src", "server/src", "meeting/src"];

/// Whether a string literal writes `wanted`: short codes whole, longer names anywhere in it.
fn literal_writes(literal: &str, wanted: &str) -> bool {
    if wanted.len() <= 2 {
        literal == wanted
    } else {
        literal
            .to_ascii_lowercase()
            .contains(&wanted.to_ascii_lowercase())
    }
}

/// `#[cfg(test)]` items: tests may write what they check.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Path>()
                .is_ok_and(|p| p.is_ident("test"))
    })
}

/// A Rust file and the module path it holds, within its crate.
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    syntax: syn::File,
}

fn module_of(crate_dir: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(crate_dir).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn read_crate(root: &Path, crate_dir: &str) -> Result<Vec<SourceFile>, String> {
    let dir = root.join(crate_dir);
    let mut paths = Vec::new();
    rust_files(&dir, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let syntax = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(SourceFile {
                module: module_of(&dir, &path),
                path: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                syntax,
            })
        })
        .collect()
}

/// Every `crate::…` and `super::…` path a file names, resolved to absolute module paths
/// (as segment lists; the caller finds which file holds each).
#[derive(Default)]
struct References {
    module: Vec<String>,
    found: Vec<Vec<String>>,
}

impl References {
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let mut base = self.module.clone();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                base.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop()?;
                    rest = &rest[1..];
                }
            }
            _ => return None,
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn note(&mut self, segments: Vec<String>) {
        if let Some(path) = self.absolute(&segments) {
            self.found.push(path);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                full.push(n.ident.to_string());
                self.note(full);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.note(full);
            }
            syn::UseTree::Glob(_) => self.note(prefix.clone()),
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.use_tree(prefix, item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for References {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.note(segments);
        syn::visit::visit_path(self, path);
    }

    // Macro bodies (`view!`, `format!`…) are token streams, not syntax: paths in them are
    // found by scanning their tokens for `crate ::` and `super ::` runs.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let tokens: Vec<String> = flatten(mac.tokens.clone());
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i] == "crate" || tokens[i] == "super" {
                let mut segments = vec![tokens[i].clone()];
                let mut j = i + 1;
                while j + 1 < tokens.len() && tokens[j] == "::" {
                    segments.push(tokens[j + 1].clone());
                    j += 2;
                }
                if segments.len() > 1 {
                    self.note(segments);
                }
                i = j;
            } else {
                i += 1;
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// A macro's tokens as words, `::` joined into one token.
fn flatten(stream: proc_macro2::TokenStream) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tree in stream {
        match tree {
            proc_macro2::TokenTree::Group(g) => out.extend(flatten(g.stream())),
            proc_macro2::TokenTree::Punct(p) => {
                if p.as_char() == ':' && out.last().is_some_and(|l| l == ":") {
                    out.pop();
                    out.push("::".into());
                } else {
                    out.push(p.as_char().to_string());
                }
            }
            other => out.push(other.to_string()),
        }
    }
    out
}

/// The file-to-file use graph of one crate, by index into `files`.
fn use_graph(files: &[SourceFile]) -> Vec<BTreeSet<usize>> {
    let by_module: BTreeMap<&[String], usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.as_slice(), i))
        .collect();
    files
        .iter()
        .map(|file| {
            let mut refs = References {
                module: file.module.clone(),
                ..References::default()
            };
            refs.visit_file(&file.syntax);
            refs.found
                .iter()
                .filter_map(|path| {
                    // The longest prefix that is a file's module: the file holding the item.
                    (0..=path.len())
                        .rev()
                        .find_map(|n| by_module.get(&path[..n]).copied())
                })
                .filter(|&target| {
                    let (a, b) = (&file.module, &files[target].module);
                    // Not itself, not its own ancestors or descendants.
                    !(a.starts_with(b) || b.starts_with(a))
                })
                .collect()
        })
        .collect()
}

/// Strongly connected components with more than one file: the import circles.
fn circles(graph: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    // Tarjan's algorithm, iteratively small enough here to recurse.
    struct State<'g> {
        graph: &'g [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.graph[v].iter() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let n = graph.len();
    let mut state = State {
        graph,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.out
}

/// Functions and methods with their length in lines.
#[derive(Default)]
struct Lengths {
    found: Vec<(usize, String, usize)>,
}

impl Lengths {
    fn note(&mut self, name: &syn::Ident, span: proc_macro2::Span) {
        let (start, end) = (span.start().line, span.end().line);
        self.found
            .push((end.saturating_sub(start) + 1, name.to_string(), start));
    }
}

impl<'ast> Visit<'ast> for Lengths {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_test_only(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        use syn::spanned::Spanned;
        self.note(&item.sig.ident, item.span());
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        use syn::spanned::Spanned;
        self.note(&item.sig.ident, item.span());
        syn::visit::visit_impl_item_fn(self, item);
    }
}

/// String literals equal to `wanted`, in a file's syntax and in its macros' tokens.
fn writes_literal(file: &syn::File, wanted: &str) -> bool {
    struct Finder<'w> {
        wanted: &'w str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            if !is_test_only(&item.attrs) {
                syn::visit::visit_item_mod(self, item);
            }
        }
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.found |= literal_writes(&lit.value(), self.wanted);
        }
        // Doc comments (`#[doc = "…"]`) name things; they do not write them.
        fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            for token in flatten(mac.tokens.clone()) {
                if let Ok(lit) = syn::parse_str::<syn::LitStr>(&token) {
                    self.found |= literal_writes(&lit.value(), self.wanted);
                }
            }
            syn::visit::visit_macro(self, mac);
        }
    }
    let mut finder = Finder {
        wanted,
        found: false,
    };
    finder.visit_file(file);
    finder.found
}

/// One crate's import circles, as lists of file paths.
fn crate_circles(files: &[SourceFile]) -> Vec<Vec<String>> {
    circles(&use_graph(files))
        .into_iter()
        .map(|c| {
            c.into_iter()
                .map(|i| files[i].path.display().to_string())
                .collect()
        })
        .collect()
}

/// `cargo xtask structure`: prints the report.
pub fn report(root: &Path) -> Result<(), String> {
    let mut all_lengths = Vec::new();
    let mut homes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut circle_count = 0;
    for crate_dir in CRATES {
        let files = read_crate(root, crate_dir)?;
        let found = crate_circles(&files);
        circle_count += found.len();
        println!(
            "{crate_dir}: {} files, {} import circle(s)",
            files.len(),
            found.len()
        );
        for circle in &found {
            println!("  circle: {}", circle.join(" ↔ "));
        }
        for file in &files {
            let mut lengths = Lengths::default();
            lengths.visit_file(&file.syntax);
            for (lines, name, line) in lengths.found {
                all_lengths.push((lines, format!("{}:{line} {name}", file.path.display())));
            }
            for (what, literal) in ONE_HOME {
                if PRODUCT.contains(&crate_dir) && writes_literal(&file.syntax, literal) {
                    homes
                        .entry(what)
                        .or_default()
                        .push(file.path.display().to_string());
                }
            }
        }
    }
    println!("\nimport circles in all: {circle_count}");
    all_lengths.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    println!("\nlongest functions (lines):");
    for (lines, place) in all_lengths.iter().take(15) {
        println!("  {lines:4}  {place}");
    }
    println!("\nwhere each shared name is written (as a string literal):");
    for (what, literal) in ONE_HOME {
        let files = homes.get(what).cloned().unwrap_or_default();
        println!(
            "  {what} ({literal:?}): {} file(s): {}",
            files.len(),
            files.join(", ")
        );
    }
    Ok(())
}

/// For `cargo xtask test`: no import circles in any crate.
pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    for crate_dir in CRATES {
        for circle in crate_circles(&read_crate(root, crate_dir)?) {
            problems.push(circle.join(" ↔ "));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "import circles (see `cargo xtask structure`):\n  {}",
            problems.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(module: &[&str], code: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(module.join("/")),
            module: module.iter().map(|s| s.to_string()).collect(),
            syntax: syn::parse_file(code).unwrap(),
        }
    }

    #[test]
    fn a_circle_between_siblings_is_found_and_parent_dispatch_is_not() {
        let files = [
            file(&[], "mod a; mod b; mod store;"),
            file(&["a"], "use crate::b::thing; fn f() {}"),
            file(&["b"], "fn g() { crate::a::f(); }"),
            file(&["store"], "use self::sqlite::S; mod sqlite;"),
            file(&["store", "sqlite"], "use super::Store;"),
        ];
        let found = crate_circles(&files);
        assert_eq!(found, vec![vec!["a".to_owned(), "b".to_owned()]]);
    }

    #[test]
    fn paths_inside_macros_count() {
        let files = [
            file(&["a"], "fn v() { view! { <p>{crate::b::x()}</p> } }"),
            file(&["b"], "use crate::a::v;"),
        ];
        assert_eq!(crate_circles(&files).len(), 1);
    }

    #[test]
    fn a_long_function_is_measured() {
        let syntax = syn::parse_file("fn f() {\n let a = 1;\n let b = 2;\n}\n").unwrap();
        let mut lengths = Lengths::default();
        lengths.visit_file(&syntax);
        assert_eq!(lengths.found, vec![(4, "f".to_owned(), 1)]);
    }

    #[test]
    fn literals_are_found_in_code_and_macros() {
        let syntax = syn::parse_file(
            r#"const A: &str = "meetings-lang"; fn f() { format!("{}", "X-CSRF"); }"#,
        )
        .unwrap();
        assert!(writes_literal(&syntax, "meetings-lang"));
        assert!(writes_literal(&syntax, "x-csrf"));
        assert!(!writes_literal(&syntax, "meetings-sign-in"));
        let tests_only =
            syn::parse_file(r#"#[cfg(test)] mod tests { const A: &str = "meetings-sign-in"; }"#)
                .unwrap();
        assert!(!writes_literal(&tests_only, "meetings-sign-in"));
    }
}
