//! Short names for what the wasm and its JavaScript glue call each other: binaryen's
//! `--minify-imports-and-exports-and-modules` renames them in the wasm and prints its map, and
//! this module makes the glue follow that map.
//!
//! wasm-bindgen names every import like `__wbg_set_innerHTML_a9d3a267967b5117` and some
//! exports after whole Rust paths: the app has 213 imports and 33 exports, each written in
//! both files, and their hex digits are the one part brotli cannot compress. Measured on the
//! app, first load, brotli (`cargo xtask size`, same trunk output): 162 736 B (wasm 155 471,
//! glue 4 210) with the import-section renamer that was here before (imports only, renamed
//! `_a`, `_b`, … by parsing the wasm ourselves); 162 086 B (wasm 155 097, glue 3 933) with
//! binaryen's pass, which also renames the exports and the module. `--minify-imports` alone
//! renamed nothing here (an empty map): wasm-bindgen's imports come from `./<app>_bg.js`, not
//! from the `env` module that pass is for.
//!
//! binaryen renames every import and export, so each must be found in the glue or the build
//! fails: an import as an object key written exactly once (`name: function`), an export as
//! `wasm.name` (the glue keeps the instance's exports in `wasm`) and nowhere as a string or
//! another object's property; all imports from the one module the glue's imports object names.

use std::path::Path;
use std::process::Command;

/// The wasm-bindgen version whose glue this rewriting was checked against, in the browser
/// tests on the release build. `check_wasm_bindgen` fails the build on any other version.
pub const TESTED_WASM_BINDGEN: &str = "0.2.130";

/// Fails, saying what to re-check, when Cargo.lock's wasm-bindgen (`locked`) is not
/// `TESTED_WASM_BINDGEN`: a new version may write its glue differently (another shape of the
/// imports object, exports reached some other way), and a glue that no longer matches its
/// wasm loads a blank page instead of failing a build.
pub fn check_wasm_bindgen(locked: &str) -> Result<(), String> {
    if locked == TESTED_WASM_BINDGEN {
        return Ok(());
    }
    Err(format!(
        "Cargo.lock has wasm-bindgen {locked}, but the release glue rewriting \
         (xtask/src/wasm_names.rs) was tested against {TESTED_WASM_BINDGEN} only. After the \
         upgrade, build with `cargo xtask build` and check in trunk's glue that every import is \
         still an object key written once (`name: function`) in `__wbg_get_imports`, under one \
         module key, and that exports are still reached as `wasm.name`; then run the browser \
         tests on that build (tests/e2e_journey.rs, tests/e2e_my_meetings.rs) and set \
         TESTED_WASM_BINDGEN to {locked}."
    ))
}

/// The module binaryen 132's `--minify-imports-and-exports-and-modules` gives every import.
const MINIFIED_MODULE: &str = "a";

/// Renames the imports and exports of `wasm_path` in place with binaryen's `wasm_opt`, and
/// returns `js` made to follow, with how many names were renamed.
pub fn shorten(wasm_opt: &Path, wasm_path: &Path, js: &str) -> Result<(String, usize), String> {
    let mut command = Command::new(wasm_opt);
    command
        .arg(wasm_path)
        .arg("--minify-imports-and-exports-and-modules")
        // Without these binaryen writes the code back less compactly than trunk's `-Oz` run
        // did (846 B more, raw); with them 28 B more, and no optimisation is run again.
        .args(["--generate-stack-ir", "--optimize-stack-ir", "-s", "2"])
        .arg("-o")
        .arg(wasm_path);
    println!("xtask: $ {}", crate::cmd::describe(&command));
    let out = command
        .output()
        .map_err(|e| format!("cannot start {}: {e}", wasm_opt.display()))?;
    if !out.status.success() {
        return Err(format!(
            "wasm-opt failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let map = String::from_utf8(out.stdout).map_err(|_| "wasm-opt's map is not UTF-8")?;
    let glue = follow(js, &map)?;
    let wasm = std::fs::read(wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let old_module = format!("\"{}\"", glue.module);
    if contains(&wasm, glue.module.as_bytes()) {
        return Err(format!(
            "wasm-opt left the import module {old_module} in the wasm; the glue now says `{MINIFIED_MODULE}`"
        ));
    }
    Ok((glue.js, glue.renamed))
}

/// binaryen's map: `{"imports": [[module, name, new name], …], "exports": [[name, new], …]}`.
#[derive(serde::Deserialize)]
struct NameMap {
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

struct Followed {
    js: String,
    /// The one import module the wasm had, as the glue's imports object names it.
    module: String,
    renamed: usize,
}

/// `js` with binaryen's renames (`map`, its JSON) applied, or why the glue cannot follow them.
fn follow(js: &str, map: &str) -> Result<Followed, String> {
    let map: NameMap =
        serde_json::from_str(map).map_err(|e| format!("wasm-opt's name map: {e}"))?;
    let module = match map.imports.first() {
        Some((module, _, _)) => module.clone(),
        None => return Err("wasm-opt renamed no imports".into()),
    };
    // Replacements as (position, length, new text), applied from the end backwards.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (from, name, short) in &map.imports {
        if *from != module {
            return Err(format!(
                "imports from two modules ({module}, {from}): the glue's imports object would \
                 need merging under one"
            ));
        }
        if !seen.insert(name) {
            continue;
        }
        let position = only_key(js, name)
            .ok_or_else(|| format!("the glue does not have the import {name} as one object key"))?;
        edits.push((position, name.len(), short.clone()));
    }
    let module_key = format!("\"{module}\":");
    let mut keys = js.match_indices(&module_key);
    match (keys.next(), keys.next()) {
        (Some((position, _)), None) => {
            edits.push((position, module_key.len(), format!("{MINIFIED_MODULE}:")))
        }
        _ => {
            return Err(format!(
                "the glue does not name the module {module} once as a key"
            ))
        }
    }
    for (name, short) in &map.exports {
        for (position, _) in whole_identifier(js, name) {
            let before = &js[..position];
            if before.ends_with("wasm.") {
                edits.push((position, name.len(), short.clone()));
            } else if before.ends_with(['.', '"', '\'', '`', '[']) {
                return Err(format!(
                    "the glue reaches the export {name} other than as `wasm.{name}`"
                ));
            }
            // Otherwise a local name of the glue's own (wasm-bindgen names some wrappers after
            // the export they call); terser renames those anyway.
        }
    }
    let renamed = seen.len() + map.exports.len();
    edits.sort_by_key(|&(position, _, _)| std::cmp::Reverse(position));
    let mut out = js.to_owned();
    for (position, length, short) in &edits {
        out.replace_range(*position..position + length, short);
    }
    Ok(Followed {
        js: out,
        module,
        renamed,
    })
}

/// Where `name` stands in `js` as a whole identifier (not inside a longer one).
fn whole_identifier<'a>(js: &'a str, name: &'a str) -> impl Iterator<Item = (usize, &'a str)> {
    let is_identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    js.match_indices(name).filter(move |&(position, _)| {
        let before = js[..position].chars().next_back();
        let after = js[position + name.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    })
}

/// Where `name` stands in `js`, if it does exactly once as a whole identifier, and there as an
/// object key.
fn only_key(js: &str, name: &str) -> Option<usize> {
    let mut found = whole_identifier(js, name);
    let (position, _) = found.next()?;
    let is_key = js[position + name.len()..].trim_start().starts_with(':');
    (found.next().is_none() && is_key).then_some(position)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{
 "imports": [
  ["./app_bg.js", "__wbg_log_0123456789abcdef", "$"],
  ["./app_bg.js", "__wbg_now_fedcba9876543210", "Aa"],
  ["./app_bg.js", "__wbg_now_fedcba9876543210", "Aa"]
 ],
"exports": [
  ["__wbindgen_malloc", "b"],
  ["closure_invoke_true_", "c"]
 ]
}
"#;

    const GLUE: &str = "function __wbg_get_imports() {\n\
        const import0 = { __wbg_log_0123456789abcdef: function(a) { console.log(a) },\n\
        __wbg_now_fedcba9876543210: function() { return Date.now() } };\n\
        return { \"./app_bg.js\": import0 };\n}\n\
        function closure_invoke_true_(a) { wasm.closure_invoke_true_(a) }\n\
        const p = wasm.__wbindgen_malloc(8); const q = wasm.__wbindgen_malloc(9);";

    #[test]
    fn the_glue_follows_binaryens_map() {
        let out = follow(GLUE, MAP).unwrap();
        assert_eq!(out.module, "./app_bg.js");
        assert_eq!(out.renamed, 4);
        assert_eq!(
            out.js,
            "function __wbg_get_imports() {\n\
             const import0 = { $: function(a) { console.log(a) },\n\
             Aa: function() { return Date.now() } };\n\
             return { a: import0 };\n}\n\
             function closure_invoke_true_(a) { wasm.c(a) }\n\
             const p = wasm.b(8); const q = wasm.b(9);"
        );
    }

    #[test]
    fn an_import_the_glue_does_not_have_once_as_a_key_fails() {
        let as_value = GLUE.replace(
            "__wbg_log_0123456789abcdef: function(a) { console.log(a) }",
            "log: __wbg_log_0123456789abcdef",
        );
        let error = follow(&as_value, MAP).err().unwrap();
        assert!(error.contains("__wbg_log_0123456789abcdef"), "{error}");
        let twice = format!("{GLUE}\n__wbg_now_fedcba9876543210;");
        assert!(follow(&twice, MAP).is_err());
        let inside = GLUE.replace(
            "__wbg_now_fedcba9876543210:",
            "x__wbg_now_fedcba9876543210:",
        );
        assert!(follow(&inside, MAP).is_err());
    }

    #[test]
    fn an_export_reached_some_other_way_fails() {
        let by_string = GLUE.replace(
            "wasm.__wbindgen_malloc(9)",
            "wasm[\"__wbindgen_malloc\"](9)",
        );
        let error = follow(&by_string, MAP).err().unwrap();
        assert!(error.contains("__wbindgen_malloc"), "{error}");
        let other_object =
            GLUE.replace("wasm.__wbindgen_malloc(9)", "exports.__wbindgen_malloc(9)");
        assert!(follow(&other_object, MAP).is_err());
    }

    #[test]
    fn imports_from_two_modules_or_an_unnamed_module_fail() {
        let two = MAP.replace(
            "[\"./app_bg.js\", \"__wbg_log_0123456789abcdef\"",
            "[\"./snippet.js\", \"__wbg_log_0123456789abcdef\"",
        );
        assert!(follow(GLUE, &two).err().unwrap().contains("two modules"));
        let unnamed = GLUE.replace("\"./app_bg.js\": import0", "wbg: import0");
        assert!(follow(&unnamed, MAP).err().unwrap().contains("./app_bg.js"));
        assert!(follow(GLUE, "not json").is_err());
    }

    #[test]
    fn only_the_tested_wasm_bindgen_builds() {
        assert_eq!(check_wasm_bindgen(TESTED_WASM_BINDGEN), Ok(()));
        let newer = check_wasm_bindgen("0.2.131").unwrap_err();
        assert!(newer.contains("wasm-bindgen 0.2.131"), "{newer}");
        assert!(newer.contains("TESTED_WASM_BINDGEN"), "{newer}");
        assert!(newer.contains("e2e_journey"), "{newer}");
        assert!(check_wasm_bindgen("0.2.13").is_err());
    }

    #[test]
    fn the_locked_wasm_bindgen_is_the_tested_one() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let locked = crate::tools::locked_wasm_bindgen_version(&root).unwrap();
        assert_eq!(check_wasm_bindgen(&locked), Ok(()));
    }
}
