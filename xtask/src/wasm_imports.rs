//! Short names for the wasm's imports from its JavaScript glue.
//!
//! wasm-bindgen names every import like `__wbg_set_innerHTML_a9d3a267967b5117`: the app has
//! about 170, each written twice (in the wasm's import section and as a key in the glue), and
//! their 16 hex digits are the one part of both files brotli cannot compress. Renamed to `_a`,
//! `_b`, … in both files, the first load is 4.4 KB smaller (measured on the app).
//!
//! Only the import section is rewritten; every other section is copied byte for byte. A name
//! is renamed only where it appears exactly once in the glue, as a whole identifier and as an
//! object key (followed by `:`, as wasm-bindgen writes its imports object), so a glue that
//! mentions it in some other way keeps it as it was; a name imported twice keeps one new name.

/// The wasm-bindgen version whose glue this rewriting was checked against, in the browser
/// tests on the release build. `check_wasm_bindgen` fails the build on any other version.
pub const TESTED_WASM_BINDGEN: &str = "0.2.130";

/// Fails, saying what to re-check, when Cargo.lock's wasm-bindgen (`locked`) is not
/// `TESTED_WASM_BINDGEN`: a new version may write its glue differently (another shape of the
/// imports object, names used some other way), and a glue that no longer matches its wasm
/// loads a blank page instead of failing a build.
pub fn check_wasm_bindgen(locked: &str) -> Result<(), String> {
    if locked == TESTED_WASM_BINDGEN {
        return Ok(());
    }
    Err(format!(
        "Cargo.lock has wasm-bindgen {locked}, but the release glue rewriting \
         (xtask/src/wasm_imports.rs) was tested against {TESTED_WASM_BINDGEN} only. After the \
         upgrade, build with `cargo xtask build` and check in dist/'s glue that every import is \
         still an object key written once (`name: function`) in `__wbg_get_imports`; then run \
         the browser tests on that build (tests/e2e_journey.rs, tests/e2e_my_meetings.rs) and \
         set TESTED_WASM_BINDGEN to {locked}."
    ))
}

/// The rewritten wasm and glue, and how many imports were renamed.
#[derive(Debug)]
pub struct Shortened {
    pub wasm: Vec<u8>,
    pub js: String,
    pub renamed: usize,
}

pub fn shorten(wasm: &[u8], js: &str) -> Result<Shortened, String> {
    const HEADER: &[u8] = b"\0asm\x01\0\0\0";
    if !wasm.starts_with(HEADER) {
        return Err("not a WebAssembly 1.0 module".into());
    }
    let mut out = HEADER.to_vec();
    let mut renames: Vec<(usize, usize, String)> = Vec::new();
    let mut at = HEADER.len();
    while at < wasm.len() {
        let id = wasm[at];
        let (size, body_at) = read_u32(wasm, at + 1)?;
        let end = body_at
            .checked_add(size as usize)
            .filter(|&end| end <= wasm.len())
            .ok_or("a section runs past the end of the module")?;
        let body = &wasm[body_at..end];
        if id == IMPORT_SECTION {
            let body = rename_imports(body, js, &mut renames)?;
            out.push(id);
            write_u32(&mut out, body.len() as u32);
            out.extend_from_slice(&body);
        } else {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    // Replace in the glue from the end backwards, so earlier positions stay valid.
    renames.sort_by_key(|&(position, _, _)| std::cmp::Reverse(position));
    let mut glue = js.to_owned();
    for (position, length, short) in &renames {
        glue.replace_range(position..&(position + length), short);
    }
    Ok(Shortened {
        wasm: out,
        js: glue,
        renamed: renames.len(),
    })
}

const IMPORT_SECTION: u8 = 2;

/// Re-encodes the import section with short names, noting where each old name sits in `js`.
fn rename_imports(
    body: &[u8],
    js: &str,
    renames: &mut Vec<(usize, usize, String)>,
) -> Result<Vec<u8>, String> {
    let (count, mut at) = read_u32(body, 0)?;
    let mut given: std::collections::HashMap<&str, Option<String>> = Default::default();
    let mut out = Vec::with_capacity(body.len());
    write_u32(&mut out, count);
    for _ in 0..count {
        let (_module, after_module) = read_name(body, at)?;
        let (name, after_name) = read_name(body, after_module)?;
        let description_end = skip_import_description(body, after_name)?;
        let short = given.entry(name).or_insert_with(|| {
            let position = only_key(js, name)?;
            let short = short_name(renames.len());
            renames.push((position, name.len(), short.clone()));
            Some(short)
        });
        let new_name = short.as_deref().unwrap_or(name);
        out.extend_from_slice(&body[at..after_module]);
        write_u32(&mut out, new_name.len() as u32);
        out.extend_from_slice(new_name.as_bytes());
        out.extend_from_slice(&body[after_name..description_end]);
        at = description_end;
    }
    if at != body.len() {
        return Err("the import section has bytes after its last import".into());
    }
    Ok(out)
}

/// Where `name` stands in `js`, if it does exactly once as a whole identifier, and there as an
/// object key.
fn only_key(js: &str, name: &str) -> Option<usize> {
    let is_identifier = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut found = js.match_indices(name).filter(|&(position, _)| {
        let before = js[..position].chars().next_back();
        let after = js[position + name.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    });
    let (position, _) = found.next()?;
    let is_key = js[position + name.len()..].trim_start().starts_with(':');
    (found.next().is_none() && is_key).then_some(position)
}

/// `_a` … `_Z`, `_ba` …: valid JavaScript property names, none of which wasm-bindgen uses.
fn short_name(index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut digits = Vec::new();
    let mut n = index;
    loop {
        digits.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    format!("_{}", String::from_utf8(digits).expect("ASCII letters"))
}

/// The end of an import's description (function, table, memory, global or tag).
fn skip_import_description(body: &[u8], at: usize) -> Result<usize, String> {
    let kind = *body.get(at).ok_or("an import ends early")?;
    let at = at + 1;
    match kind {
        0 => Ok(read_u32(body, at)?.1),
        1 => skip_limits(body, skip_ref_type(body, at)?),
        2 => skip_limits(body, at),
        // A value type (one byte for the number and reference types wasm-bindgen emits),
        // then whether it is mutable.
        3 => Ok(skip_ref_type(body, at)? + 1),
        4 => Ok(read_u32(body, at + 1)?.1),
        other => Err(format!("an import of unknown kind {other}")),
    }
}

fn skip_ref_type(body: &[u8], at: usize) -> Result<usize, String> {
    match body.get(at) {
        Some(0x7F | 0x7E | 0x7D | 0x7C | 0x7B | 0x70 | 0x6F) => Ok(at + 1),
        Some(other) => Err(format!(
            "an import of a type this tool does not read (0x{other:02x})"
        )),
        None => Err("an import ends early".into()),
    }
}

fn skip_limits(body: &[u8], at: usize) -> Result<usize, String> {
    let flags = *body.get(at).ok_or("an import ends early")?;
    let (_, mut at) = read_u64(body, at + 1)?;
    if flags & 1 != 0 {
        at = read_u64(body, at)?.1;
    }
    Ok(at)
}

fn read_name(body: &[u8], at: usize) -> Result<(&str, usize), String> {
    let (length, start) = read_u32(body, at)?;
    let end = start + length as usize;
    let bytes = body.get(start..end).ok_or("a name runs past its section")?;
    let name = std::str::from_utf8(bytes).map_err(|_| "a name that is not UTF-8")?;
    Ok((name, end))
}

fn read_u32(bytes: &[u8], at: usize) -> Result<(u32, usize), String> {
    let (value, end) = read_u64(bytes, at)?;
    let value = u32::try_from(value).map_err(|_| "a number too large for 32 bits")?;
    Ok((value, end))
}

/// Unsigned LEB128.
fn read_u64(bytes: &[u8], mut at: usize) -> Result<(u64, usize), String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(at).ok_or("a number runs past the end")?;
        at += 1;
        value |= u64::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
    }
    Err("a number longer than 64 bits".into())
}

fn write_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(out: &mut Vec<u8>, text: &str) {
        write_u32(out, text.len() as u32);
        out.extend_from_slice(text.as_bytes());
    }

    fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
        out.push(id);
        write_u32(out, body.len() as u32);
        out.extend_from_slice(body);
    }

    /// A module with a type section, function imports named `names` from `./glue.js`, one
    /// memory import, and an export section, as (module, type section, export section).
    fn module(names: &[&str]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let types = vec![1, 0x60, 0, 0];
        section(&mut wasm, 1, &types);
        let mut imports = Vec::new();
        write_u32(&mut imports, names.len() as u32 + 1);
        for import in names {
            name(&mut imports, "./glue.js");
            name(&mut imports, import);
            imports.extend_from_slice(&[0, 0]);
        }
        name(&mut imports, "env");
        name(&mut imports, "memory");
        imports.extend_from_slice(&[2, 1, 1, 0x80, 0x01]);
        section(&mut wasm, 2, &imports);
        let mut exports = Vec::new();
        write_u32(&mut exports, 1);
        name(&mut exports, "__wbg_keep_me_0123456789abcdef");
        exports.extend_from_slice(&[0, 0]);
        section(&mut wasm, 7, &exports);
        (wasm, types, exports)
    }

    fn import_names(wasm: &[u8]) -> Vec<String> {
        let mut at = 8;
        while at < wasm.len() {
            let (size, body) = read_u32(wasm, at + 1).unwrap();
            if wasm[at] == 2 {
                let section = &wasm[body..body + size as usize];
                let (count, mut p) = read_u32(section, 0).unwrap();
                let mut names = Vec::new();
                for _ in 0..count {
                    let (_, q) = read_name(section, p).unwrap();
                    let (import, q) = read_name(section, q).unwrap();
                    names.push(import.to_owned());
                    p = skip_import_description(section, q).unwrap();
                }
                return names;
            }
            at = body + size as usize;
        }
        panic!("no import section")
    }

    #[test]
    fn renames_each_import_in_the_wasm_and_the_glue_alike() {
        let long = ["__wbg_log_0123456789abcdef", "__wbg_now_fedcba9876543210"];
        let (wasm, types, exports) = module(&long);
        let js = "const i = { __wbg_log_0123456789abcdef: function(a) { console.log(a) },\n\
                  __wbg_now_fedcba9876543210: function() { return Date.now() } };\n\
                  wasm.__wbg_keep_me_0123456789abcdef();";
        let out = shorten(&wasm, js).unwrap();
        assert_eq!(out.renamed, 2);
        assert_eq!(import_names(&out.wasm), ["_a", "_b", "memory"]);
        assert_eq!(
            out.js,
            "const i = { _a: function(a) { console.log(a) },\n\
             _b: function() { return Date.now() } };\n\
             wasm.__wbg_keep_me_0123456789abcdef();"
        );
        // The other sections are untouched, in the same order.
        let types_at = 8;
        assert_eq!(
            &out.wasm[types_at + 2..types_at + 2 + types.len()],
            &types[..]
        );
        assert!(out.wasm.ends_with(&exports));
    }

    #[test]
    fn a_name_imported_twice_gets_one_new_name() {
        let twice = ["__wbg_same_0123456789abcdef", "__wbg_same_0123456789abcdef"];
        let (wasm, _, _) = module(&twice);
        let js = "({ __wbg_same_0123456789abcdef: function() {} })";
        let out = shorten(&wasm, js).unwrap();
        assert_eq!(out.renamed, 1);
        assert_eq!(import_names(&out.wasm), ["_a", "_a", "memory"]);
        assert_eq!(out.js, "({ _a: function() {} })");
    }

    #[test]
    fn a_name_the_glue_uses_only_as_a_value_stays() {
        let (wasm, _, _) = module(&["__wbg_value_0123456789abcdef"]);
        let js = "imports.x = __wbg_value_0123456789abcdef;";
        let out = shorten(&wasm, js).unwrap();
        assert_eq!(out.renamed, 0);
        assert_eq!(out.wasm, wasm);
    }

    #[test]
    fn a_name_the_glue_uses_twice_or_inside_another_stays() {
        let long = [
            "__wbg_twice_aaaaaaaaaaaaaaaa",
            "__wbg_part_bbbbbbbbbbbbbbbb",
        ];
        let (wasm, _, _) = module(&long);
        let js = "__wbg_twice_aaaaaaaaaaaaaaaa; __wbg_twice_aaaaaaaaaaaaaaaa; \
                  x__wbg_part_bbbbbbbbbbbbbbbb";
        let out = shorten(&wasm, js).unwrap();
        assert_eq!(out.renamed, 0);
        assert_eq!(out.wasm, wasm);
        assert_eq!(out.js, js);
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

    #[test]
    fn short_names_count_on_past_52() {
        assert_eq!(short_name(0), "_a");
        assert_eq!(short_name(51), "_Z");
        assert_eq!(short_name(52), "_ba");
        let names: std::collections::HashSet<_> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
    }

    #[test]
    fn a_broken_module_is_refused_with_a_reason() {
        assert!(shorten(b"not wasm", "").is_err());
        let (mut wasm, _, _) = module(&["__wbg_x_0000000000000000"]);
        wasm.truncate(wasm.len() - 3);
        assert!(shorten(&wasm, "").unwrap_err().contains("past the end"));
    }
}
