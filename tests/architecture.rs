//! The layer rule of `ARCHITECTURE.md`, checked on the source: each layer imports
//! only the layers before it, `unsafe` lives in `random/` alone, and only
//! `output.rs` and the command line write files. Test modules are excluded.

use std::path::{Path, PathBuf};

/// Each layer and the layers it may import.
const LAYERS: &[(&str, &[&str])] = &[
    ("random", &[]),
    ("model", &["random"]),
    ("sim", &["random", "model"]),
    ("results", &[]),
    ("summary", &["random", "model", "sim", "results"]),
    ("analysis", &["random", "model", "sim", "results", "summary"]),
    ("report", &["model", "results", "summary", "analysis"]),
    ("output", &["model"]),
    ("cli", &["random", "model", "sim", "results", "summary", "analysis", "report", "output"]),
];

/// Files at the top of `src/` that belong to no layer.
const ROOTS: &[&str] = &["lib.rs", "main.rs"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file: its path below `src/`, its layer and its code without the
/// test module (by the crate's convention, `#[cfg(test)]` starts the file's last
/// part) and without comments.
fn files() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let layer = name.split('/').next().unwrap().trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            // The test module closes a file by the crate's convention; only that
            // is exempt (a `#[cfg(test)]` helper elsewhere is checked).
            let code = match text.rfind("#[cfg(test)]\nmod tests {") {
                Some(at) if text[at..].trim_end().ends_with('}') => &text[..at],
                _ => &text[..],
            };
            let code: Vec<&str> = code.lines().map(|l| l.split("//").next().unwrap()).collect();
            (name, layer, code.join("\n"))
        })
        .collect()
}

#[test]
fn every_file_is_in_a_layer() {
    for (name, layer, _) in files() {
        assert!(
            ROOTS.contains(&name.as_str()) || LAYERS.iter().any(|(l, _)| *l == layer),
            "src/{name} is outside the layers of ARCHITECTURE.md"
        );
    }
}

/// The top-level names a path through `crate::` reaches from `at` on: one name,
/// or every name of a `{…}` group (`crate::{sim::X, summary::Y}`).
fn names_after(code: &str, at: usize) -> Vec<String> {
    let rest = &code[at..];
    let ident =
        |t: &str| -> String { t.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    match rest.strip_prefix('{') {
        None => vec![ident(rest)],
        Some(group) => {
            // Split the group's top level at commas (nested groups belong to their item).
            let (mut depth, mut start, mut names) = (0, 0, Vec::new());
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        names.push(ident(&group[start..i]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(ident(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            names.into_iter().filter(|n| !n.is_empty()).collect()
        }
    }
}

#[test]
fn layers_import_only_the_layers_before_them() {
    let mut wrong = Vec::new();
    for (name, layer, code) in files() {
        let Some((_, allowed)) = LAYERS.iter().find(|(l, _)| *l == layer) else { continue };
        // The binary names the library `chancap::`, the library itself `crate::`.
        for prefix in ["crate::", "chancap::"] {
            for (at, _) in code.match_indices(prefix) {
                for used in names_after(&code, at + prefix.len()) {
                    let is_layer = LAYERS.iter().any(|(l, _)| *l == used);
                    if !is_layer && layer != "cli" {
                        // `crate::run` and the like go through the facade, which
                        // reaches every layer.
                        wrong.push(format!("src/{name} ({layer}) uses crate::{used}, not a layer"));
                    } else if is_layer && used != layer && !allowed.contains(&used.as_str()) {
                        wrong.push(format!("src/{name} ({layer}) imports {used}"));
                    }
                }
            }
        }
        // `super::` may not climb out of the file's own layer.
        let depth = name.matches('/').count();
        for (at, _) in code.match_indices("super::") {
            let chain = code[at..].split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).next().unwrap();
            let ups = chain.matches("super::").count();
            if ups > depth.saturating_sub(if name.ends_with("mod.rs") { 1 } else { 0 }) {
                wrong.push(format!("src/{name} ({layer}) climbs out of its layer: {chain}"));
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "imports against the layer rule:\n{}", wrong.join("\n"));
}

#[test]
fn the_import_scanner_sees_groups() {
    let code = "use crate::{sim::X, summary::{a, b}, report};";
    let at = code.find("crate::").unwrap() + "crate::".len();
    assert_eq!(names_after(code, at), vec!["sim", "summary", "report"]);
}

#[test]
fn unsafe_lives_in_random_alone() {
    for (name, layer, code) in files() {
        if layer != "random" {
            for word in ["unsafe", "target_feature", "is_x86_feature_detected"] {
                assert!(!code.contains(word), "src/{name} uses `{word}`; it belongs under src/random/");
            }
        }
    }
}

#[test]
fn only_output_and_the_command_line_write_files() {
    let writers = [
        "fs::write",
        "File::create",
        "File::options",
        "OpenOptions",
        "create_dir",
        "fs::rename",
        "remove_file",
        "remove_dir",
        "fs::copy",
        "hard_link",
        "set_permissions",
        "use std::fs::{",
    ];
    for (name, layer, code) in files() {
        if layer != "output" && layer != "cli" {
            for w in writers {
                assert!(!code.contains(w), "src/{name} writes files (`{w}`); only output.rs and cli/ may");
            }
        }
    }
}

/// Lines from each `fn` to its closing brace (the brace at the `fn`'s indentation).
fn functions(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        // Any visibility (`pub`, `pub(crate)`, `pub(in …)`) and qualifiers.
        let mut rest = trimmed;
        if let Some(r) = rest.strip_prefix("pub(") {
            rest = r.split_once(") ").map_or(r, |(_, after)| after);
        }
        let rest = ["pub ", "const ", "async ", "unsafe ", "extern \"C\" "]
            .iter()
            .fold(rest, |t, p| t.strip_prefix(p).unwrap_or(t));
        let Some(name) = rest.strip_prefix("fn ") else { continue };
        // A declaration without a body (a trait's) ends with `;` before any `{`.
        let body_or_end = |j: usize| {
            let l = lines[j].trim_end();
            l.ends_with('{') || l.ends_with(';') || (l.contains('{') && l.ends_with('}'))
        };
        let Some(open) = (i..lines.len()).find(|&j| body_or_end(j)) else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        let close = if lines[open].trim_end().ends_with('}') {
            open
        } else {
            (open + 1..lines.len()).find(|&j| lines[j] == format!("{indent}}}")).unwrap_or(lines.len() - 1)
        };
        let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        out.push((name, close - i + 1));
    }
    out
}

#[test]
fn no_function_over_120_lines_and_no_file_over_900() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    let mut wrong = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.strip_prefix(&src).unwrap().display().to_string();
        let lines = text.lines().count();
        if lines > 900 {
            wrong.push(format!("src/{name}: {lines} lines"));
        }
        for (f, n) in functions(&text) {
            if n > 120 {
                wrong.push(format!("src/{name}: fn {f} is {n} lines"));
            }
        }
    }
    assert!(wrong.is_empty(), "too long:\n{}", wrong.join("\n"));
}

#[test]
fn the_function_counter_counts() {
    let code = "fn a() {\n    x();\n}\n\n    pub fn b(\n        y: u8,\n    ) -> u8 {\n        y\n    }\nfn c() {}\n";
    assert_eq!(functions(code), vec![("a".into(), 3), ("b".into(), 5), ("c".into(), 1)]);
}

#[test]
fn architecture_md_lists_every_source_file() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    let listed: Vec<&str> = doc.lines().filter_map(|l| l.split_whitespace().next()).collect();
    let mut missing = Vec::new();
    for (name, _, _) in files() {
        if !listed.contains(&format!("src/{name}").as_str()) {
            missing.push(format!("src/{name}"));
        }
    }
    for l in listed.iter().filter(|l| l.starts_with("src/") && l.ends_with(".rs")) {
        if !Path::new(env!("CARGO_MANIFEST_DIR")).join(l).exists() {
            missing.push(format!("{l} is listed but does not exist"));
        }
    }
    assert!(missing.is_empty(), "ARCHITECTURE.md's tree is out of date:\n{}", missing.join("\n"));
}

/// Every `schema::SECTION.get("key")` of the reader names a field its section
/// has: `get` would otherwise fail on the first file that writes the field.
#[test]
fn the_readers_fields_are_in_the_schema() {
    use chancap::model::schema;
    let mut checked = 0;
    for (name, _, code) in files().into_iter().filter(|(n, _, _)| n.starts_with("model/read/")) {
        for (at, _) in code.match_indices("schema::") {
            let rest = &code[at + "schema::".len()..];
            let section: String = rest.chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
            let Some(key) = rest[section.len()..].strip_prefix(".get(\"").and_then(|r| r.split('"').next()) else {
                continue;
            };
            let fields = match section.as_str() {
                "SCENARIO" => schema::SCENARIO,
                "TARGETS" => schema::TARGETS,
                "SEGMENT" => schema::SEGMENT,
                "PEOPLE" => schema::PEOPLE,
                "RESELLER" => schema::RESELLER,
                "ONLINE" => schema::ONLINE,
                "COVERAGE" => schema::COVERAGE,
                "CAMPAIGN" => schema::CAMPAIGN,
                other => panic!("src/{name}: unknown section {other}"),
            };
            assert!(fields.field(key).is_some(), "src/{name}: `{key}` is not a field of {section}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} fields found: has the reader's style changed?");
}
