//! Byte-level mutation of the shipped scenarios (and the test fixtures): a few
//! random edits each — bit flips, inserted, overwritten and deleted bytes, lines
//! duplicated, deleted, swapped or spliced in from another file, a number
//! replaced by an extreme one, a string by a strange one, the file cut short.
//! Few edits keep many inputs valid, so the engine meets extreme values too.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::path::Path;
use std::sync::Arc;

/// Numbers a mutation puts in place of one: inside, at and past the limits.
const NUMBERS: &[&str] = &[
    "0",
    "-0.0",
    "1",
    "-1",
    "0.5",
    "0.001",
    "0.999",
    "2",
    "100",
    "1e6",
    "1e12",
    "1.0000001",
    "5e-324",
    "1e-300",
    "520",
    "521",
    "8784",
    "1e3",
    "1001",
    "1e5",
    "1e9",
    "1000000001",
    "1e15",
    "1.000001e15",
    "1e18",
    "5e7",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "1e400",
    "0x10",
    "1_000_000",
];

/// Text a mutation puts in place of a string's content.
const STRINGS: &[&str] = &[
    "",
    "key",
    "direct",
    "web",
    "scenario.market_growth",
    "coverage.key.direct.hit_rate",
    "lognormal",
    "poisson",
    "\\u0000",
    "\\u001b[2J",
    "\\uD800",
    "ä ö",
    "🙂",
    "a\\nb",
    "\\",
];

/// Bytes a mutation writes: TOML's own punctuation, line ends, NUL, bytes that
/// are not UTF-8 alone.
const BYTES: &[u8] = b"[]{}=\",.#'\\\n\r\t 0123456789-+e_\x00\x7f\x80\xc3\xff";

/// One edit.
#[derive(Debug, Clone)]
pub enum Edit {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    DuplicateLine(Index),
    DeleteLine(Index),
    SwapLines(Index, Index),
    /// A line of another file of the corpus in place before this line.
    Splice(Index, Index, Index),
    Number(Index, &'static str),
    Text(Index, &'static str),
    /// The line repeated many times.
    Repeat(Index, usize),
    Truncate(Index),
}

/// The files mutated: the shipped scenarios first, then the test fixtures.
pub fn corpus() -> Arc<Vec<Vec<u8>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = ["reference", "dealer-network", "saas-inside-sales"]
        .iter()
        .map(|n| root.join(format!("scenarios/{n}.toml")))
        .chain(["valid_minimal.toml", "one_pair.toml"].iter().map(|n| root.join("tests/fixtures").join(n)))
        .collect();
    let mut bad: Vec<_> =
        std::fs::read_dir(root.join("tests/fixtures/bad")).unwrap().map(|e| e.unwrap().path()).collect();
    bad.sort();
    paths.extend(bad);
    Arc::new(paths.iter().map(|p| std::fs::read(p).unwrap()).collect())
}

/// Inputs made by mutating one file of `corpus` (the shipped scenarios most
/// often): gently (a few numbers replaced, which often leaves a valid scenario
/// with an extreme value) or roughly (any edits).
pub fn mutated(corpus: Arc<Vec<Vec<u8>>>) -> impl Strategy<Value = Vec<u8>> {
    let file = prop_oneof![8 => 0..3usize, 2 => 3..5usize, 1 => 0..corpus.len()];
    let count = prop_oneof![4 => 1..=2usize, 2 => 3..=6usize, 1 => 7..=24usize];
    let gentle = (0..3usize, vec((any::<Index>(), select(NUMBERS)).prop_map(|(a, n)| Edit::Number(a, n)), 1..=3));
    let rough = (file, count.prop_flat_map(|n| vec(edit(), n)));
    prop_oneof![1 => gentle, 1 => rough].prop_map(move |(i, edits)| {
        let mut bytes = corpus[i].clone();
        for e in &edits {
            apply(&mut bytes, e, &corpus);
        }
        bytes
    })
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    prop_oneof![
        2 => (i(), 0..8u8).prop_map(|(a, b)| Edit::FlipBit(a, b)),
        2 => (i(), select(BYTES)).prop_map(|(a, b)| Edit::SetByte(a, b)),
        2 => (i(), vec(select(BYTES), 1..8)).prop_map(|(a, b)| Edit::Insert(a, b)),
        2 => (i(), 1..64usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        2 => i().prop_map(Edit::DuplicateLine),
        2 => i().prop_map(Edit::DeleteLine),
        1 => (i(), i()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        2 => (i(), i(), i()).prop_map(|(a, f, l)| Edit::Splice(a, f, l)),
        6 => (i(), select(NUMBERS)).prop_map(|(a, n)| Edit::Number(a, n)),
        2 => (i(), select(STRINGS)).prop_map(|(a, s)| Edit::Text(a, s)),
        // 2 to 16,384 times, as many short repeats as long ones.
        1 => (i(), 1.0..14.0f64).prop_map(|(a, e)| Edit::Repeat(a, 2f64.powf(e) as usize)),
        1 => i().prop_map(Edit::Truncate),
    ]
}

/// The byte ranges of a file's lines, each with its line end.
fn lines(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// The number tokens of a text: a digit (or a sign before one) not inside a
/// word, up to the end of its digits, dots, exponent and underscores.
fn numbers(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || ((bytes[i] == b'-' || bytes[i] == b'+') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        if starts && (i == 0 || !word(bytes[i - 1])) {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || b"._+-".contains(&bytes[j])) {
                j += 1;
            }
            out.push(i..j);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The contents of the `"…"` strings of a text (no escapes considered).
fn strings(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let quotes: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i).collect();
    quotes.chunks_exact(2).map(|q| q[0] + 1..q[1]).collect()
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit, corpus: &[Vec<u8>]) {
    let at = |i: &Index, len: usize| if len == 0 { 0 } else { i.index(len) };
    let n = bytes.len();
    match edit {
        Edit::FlipBit(i, bit) if n > 0 => bytes[at(i, n)] ^= 1 << bit,
        Edit::SetByte(i, b) if n > 0 => bytes[at(i, n)] = *b,
        Edit::Insert(i, new) => {
            let p = at(i, n + 1);
            bytes.splice(p..p, new.iter().copied());
        }
        Edit::Delete(i, len) if n > 0 => {
            let p = at(i, n);
            bytes.drain(p..(p + len).min(n));
        }
        Edit::Truncate(i) => bytes.truncate(at(i, n + 1)),
        Edit::DuplicateLine(i) | Edit::DeleteLine(i) | Edit::Repeat(i, _) => {
            let all = lines(bytes);
            if all.is_empty() {
                return;
            }
            let line = all[at(i, all.len())].clone();
            let copy = bytes[line.clone()].to_vec();
            match edit {
                Edit::DeleteLine(_) => drop(bytes.drain(line)),
                Edit::Repeat(_, times) => {
                    // A file stops growing at 4 MiB: the reader's time is linear, and
                    // the binary refuses files over 16 MiB before reading them.
                    let times = (*times).min((4usize << 20).saturating_sub(bytes.len()) / copy.len().max(1));
                    drop(bytes.splice(line.start..line.start, copy.repeat(times)))
                }
                _ => drop(bytes.splice(line.start..line.start, copy)),
            }
        }
        Edit::SwapLines(a, b) => {
            let all = lines(bytes);
            if all.len() < 2 {
                return;
            }
            let (x, y) = (all[at(a, all.len())].clone(), all[at(b, all.len())].clone());
            let (first, second) = if x.start <= y.start { (x, y) } else { (y, x) };
            if first == second {
                return;
            }
            let mut out = bytes[..first.start].to_vec();
            out.extend_from_slice(&bytes[second.clone()]);
            out.extend_from_slice(&bytes[first.end..second.start]);
            out.extend_from_slice(&bytes[first.clone()]);
            out.extend_from_slice(&bytes[second.end..]);
            *bytes = out;
        }
        Edit::Splice(i, file, line) => {
            let other = &corpus[file.index(corpus.len())];
            let theirs = lines(other);
            let ours = lines(bytes);
            if theirs.is_empty() {
                return;
            }
            let new = other[theirs[line.index(theirs.len())].clone()].to_vec();
            let p = if ours.is_empty() { 0 } else { ours[at(i, ours.len())].start };
            bytes.splice(p..p, new);
        }
        Edit::Number(i, new) | Edit::Text(i, new) => {
            let spots = if matches!(edit, Edit::Number(..)) { numbers(bytes) } else { strings(bytes) };
            if !spots.is_empty() {
                let r = spots[at(i, spots.len())].clone();
                bytes.splice(r, new.bytes());
            }
        }
        Edit::FlipBit(..) | Edit::SetByte(..) | Edit::Delete(..) => {}
    }
}

#[test]
fn the_token_finders_find_numbers_and_strings() {
    let text = b"a = 12\nb_2 = -3.5e-2\nname = \"x-1\" # 7\nc = [1, 2]\n";
    let found: Vec<&[u8]> = numbers(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(found, [&b"12"[..], b"-3.5e-2", b"7", b"1", b"2"]);
    let found: Vec<&[u8]> = strings(text).into_iter().map(|r| &text[r]).collect();
    assert_eq!(found, [&b"x-1"[..]]);
    assert_eq!(lines(b"a\nb").len(), 2);
}
