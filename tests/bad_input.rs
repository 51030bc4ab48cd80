//! Every class of bad input of spec §7: each fixture in `tests/fixtures/bad` is
//! refused with every expected finding, each with its place and field path.

use chancap::model::{LoadError, Scenario};
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Loads a fixture that must be invalid and returns the rendered diagnostics.
fn refused(name: &str) -> String {
    match Scenario::from_path(&fixture(&format!("bad/{name}"))) {
        Ok(_) => panic!("{name} should be refused"),
        Err(LoadError::Invalid(d)) => d.to_string(),
        Err(e) => panic!("{name}: unexpected {e}"),
    }
}

#[track_caller]
fn expect(name: &str, fragments: &[&str]) {
    let text = refused(name);
    for f in fragments {
        assert!(text.contains(f), "{name}: expected {f:?} in:\n{text}");
    }
}

#[test]
fn the_valid_base_of_the_fixtures_is_valid() {
    let s = Scenario::from_path(&fixture("valid_minimal.toml")).unwrap();
    // The online channel serves nothing: a warning, not an error.
    assert!(s.warnings.iter().any(|w| w.message.contains("serves no segment")));
}

#[test]
fn syntax_errors_have_line_and_column() {
    expect("syntax.toml", &["syntax.toml:4:", "TOML syntax"]);
}

#[test]
fn unknown_keys_get_the_nearest_key() {
    expect(
        "unknown_key.toml",
        &[
            "unknown_key.toml:6:1: segments[1].acounts: unknown field `acounts`",
            "did you mean `accounts`?",
            "coverage[1].hitrate: unknown field `hitrate`",
            "did you mean `hit_rate`?",
        ],
    );
    // The misspelt key is one problem: its "did you mean" says it all.
    assert!(!refused("unknown_key.toml").contains("missing required field"));
}

/// The valid minimal scenario with `from` replaced by `to`, as its rendered
/// diagnostics (the file must be refused).
fn diagnostics_of(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(fixture("valid_minimal.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    match Scenario::from_toml_str(&text.replacen(from, to, 1), "x.toml") {
        Ok(_) => panic!("{to} should be refused"),
        Err(d) => d.to_string(),
    }
}

#[test]
fn a_misspelt_required_key_is_one_message() {
    assert_eq!(
        diagnostics_of("hours_per_fte = 1400", "hours_per_ftee = 1400"),
        "error: x.toml:13:1: channels.direct.hours_per_ftee: unknown field `hours_per_ftee`
   |
13 | hours_per_ftee = 1400
   | ^^^^^^^^^^^^^^
  = help: did you mean `hours_per_fte`?

x.toml: 1 error, 0 warnings"
    );
    // In a distribution table too.
    assert_eq!(
        diagnostics_of("median = 40_000", "medain = 40_000"),
        "error: x.toml:8:35: segments[1].deal_size.medain: unknown field `medain`
  |
8 | deal_size = { dist = \"lognormal\", medain = 40_000, p90 = 120_000 }
  |                                   ^^^^^^
  = help: did you mean `median`?

x.toml: 1 error, 0 warnings"
    );
    // A required key that is simply absent is still reported missing.
    assert!(diagnostics_of("hours_per_fte = 1400\n", "").contains("missing required field `hours_per_fte`"));
}

#[test]
fn an_invalid_name_is_reported_once_not_again_where_it_is_used() {
    let text = std::fs::read_to_string(fixture("valid_minimal.toml")).unwrap().replace("\"key\"", "\"Key Accounts\"");
    let d = Scenario::from_toml_str(&text, "x.toml").unwrap_err().to_string();
    assert_eq!(
        d,
        "error: x.toml:5:8: segments[1].name: \"Key Accounts\" is not a valid name: use lowercase letters, digits, `_` \
         and `-` (at most 64)
  |
5 | name = \"Key Accounts\"
  |        ^^^^^^^^^^^^^^
  = help: e.g. \"key_accounts\"; put display text in `label`

x.toml: 1 error, 0 warnings"
    );
    // The same for a channel.
    let text = std::fs::read_to_string(fixture("valid_minimal.toml"))
        .unwrap()
        .replace("[channels.direct]", "[channels.Direct]")
        .replace("channel = \"direct\"", "channel = \"Direct\"");
    let d = Scenario::from_toml_str(&text, "x.toml").unwrap_err().to_string();
    assert!(!d.contains("unknown channel"), "{d}");
    assert!(d.ends_with("x.toml: 1 error, 0 warnings"), "{d}");
    // A name that is declared nowhere is still unknown.
    assert!(diagnostics_of("segment = \"key\"", "segment = \"kye\"").contains("unknown segment \"kye\""));
}

#[test]
fn a_field_of_another_kind_names_the_kind_with_its_article() {
    let d = diagnostics_of("kind = \"online\"", "kind = \"online\"\nheadcount = 3");
    assert!(d.contains("= help: an online channel takes: fee, cost_per_order, platform_cost, orders_capacity"), "{d}");
}

#[test]
fn wrong_types_are_named() {
    expect(
        "wrong_type.toml",
        &[
            "wrong_type.toml:2:8: scenario.name: expected a string, found integer 7",
            "channels.direct.headcount: expected a whole number, found string \"four\"",
        ],
    );
}

#[test]
fn out_of_range_values_nan_and_infinity_are_refused() {
    expect(
        "out_of_range.toml",
        &[
            "segments[1].opportunities_per_account: must be a finite number, found inf",
            "channels.direct.headcount: must be ≥ 0, found -2",
            "channels.direct.cost_per_fte: must be a finite number, found NaN",
            "coverage[1].hit_rate: a rate must stay within [0, 1], but this can take 1.3",
        ],
    );
}

#[test]
fn nonsensical_distribution_parameters_are_refused() {
    expect(
        "bad_distribution.toml",
        &[
            "segments[1].opportunities_per_account: triangular needs min ≤ mode ≤ max",
            "coverage[1].hit_rate: beta with mean 0.45 needs 0 < sd",
        ],
    );
}

#[test]
fn an_untruncated_normal_is_refused_for_a_rate() {
    expect(
        "normal_rate.toml",
        &[
            "coverage[1].hit_rate: a rate must stay within [0, 1], but a normal distribution is unbounded",
            "truncate it",
        ],
    );
}

#[test]
fn unknown_names_get_the_nearest_name() {
    expect(
        "unknown_names.toml",
        &[
            "coverage[2].segment: unknown segment \"kye\"",
            "did you mean \"key\"?",
            "unknown channel \"drect\"",
            "did you mean \"direct\"?",
        ],
    );
}

#[test]
fn duplicate_names_and_pairs_are_refused() {
    expect("duplicate_names.toml", &["segments[2].name: duplicate segment name \"key\""]);
    expect(
        "pair_twice.toml",
        &["segment \"key\" and channel \"direct\" are paired twice", "merge this row with coverage[1]"],
    );
}

#[test]
fn shares_of_a_segment_above_one_are_refused() {
    expect(
        "shares_above_one.toml",
        &["the shares of segment \"key\" add up to 1.1, more than 1", "coverage[1]: 0.6, coverage[2]: 0.5"],
    );
}

#[test]
fn campaign_periods_outside_the_horizon_are_refused() {
    expect("campaign_periods.toml", &["campaigns[1].periods[2]: period 13 is outside the horizon of 12 periods"]);
}

#[test]
fn campaigns_and_people_fields_need_people_channels() {
    expect("campaign_on_online.toml", &["campaigns run on direct or telesales channels; \"web\" is kind = \"online\""]);
    expect(
        "people_field_on_online.toml",
        &["coverage[2].hours_per_opportunity: `hours_per_opportunity` applies to direct and telesales channels"],
    );
}

#[test]
fn a_table_where_a_number_belongs_is_refused() {
    expect(
        "table_where_number.toml",
        &["channels.direct.cost_per_fte: expected a number, found a distribution table", "only uncertain fields"],
    );
}

#[test]
fn empty_and_binary_files_are_refused() {
    expect("empty.toml", &["the file is empty"]);
    expect("binary.toml", &["not a text file"]);
}

#[test]
fn a_missing_file_is_an_io_error() {
    match Scenario::from_path(Path::new("does/not/exist.toml")) {
        Err(LoadError::Io { path, .. }) => assert_eq!(path, "does/not/exist.toml"),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

/// Every problem of a file is reported in one run.
#[test]
fn all_problems_are_reported_at_once() {
    let text = refused("out_of_range.toml");
    assert!(text.contains("4 errors"), "{text}");
}

/// No input makes the reader panic: thousands of mutilated copies of the
/// reference scenario (lines dropped, bytes replaced, text cut) are either valid
/// or refused with diagnostics.
#[test]
fn mutilated_scenarios_never_panic() {
    use rand::{Rng, RngExt, SeedableRng};
    let reference = super::reference();
    let lines: Vec<&str> = reference.lines().collect();
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2027);
    let junk = ["=", "[", "]", "{", "\"", "-1", "1e400", "nan", "[[coverage]]", "dist = \"beta\"", "0", ".", "\n"];
    let mut refused = 0;
    for round in 0..1500 {
        let mut text = String::new();
        for line in &lines {
            match rng.random_range(0..40) {
                0 => {}
                1 => text.push_str(&line[..rng.random_range(0..=line.len())].chars().collect::<String>()),
                2 => text.push_str(junk[rng.random_range(0..junk.len())]),
                _ => text.push_str(line),
            }
            text.push('\n');
        }
        if round % 7 == 0 {
            let cut = rng.random_range(0..text.len());
            text.truncate(text.floor_char_boundary(cut));
        }
        if Scenario::from_toml_str(&text, "mutant.toml").is_err() {
            refused += 1;
        }
        let _ = rng.next_u64();
    }
    assert!(refused > 100, "the mutations should break most files, {refused} refused");
}

/// A named pipe, a device or a directory given as a file is refused at once:
/// reading a FIFO would block until a writer came, `/dev/zero` would never end.
/// (Issue 15, item 4.)
#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for (path, why) in [(fifo.as_path(), "named pipe"), (Path::new("/dev/zero"), "device"), (dir.path(), "directory")] {
        let start = Instant::now();
        let err = Scenario::from_path(path).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(5), "{} took {:?}", path.display(), start.elapsed());
        let text = format!("{err}: {}", std::error::Error::source(&err).map(|s| s.to_string()).unwrap_or_default());
        assert!(text.contains(why), "{}: {text}", path.display());
        assert!(matches!(err, LoadError::Io { .. }), "{err}");
    }
    // Results and shards are read the same way, with a larger limit.
    let err = chancap::model::read_bounded(&fifo, chancap::model::MAX_DATA_BYTES).unwrap_err();
    assert!(err.to_string().contains("named pipe"), "{err}");
    // And never more than the limit, whatever the size claims.
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; 2_000]).unwrap();
    let err = chancap::model::read_bounded(&big, 1_000).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    assert_eq!(chancap::model::read_bounded(&big, 2_000).unwrap().len(), 2_000);
}

/// Issue 15, item 5: a campaign's calls count towards the limit on the
/// opportunities an iteration draws (one campaign on 10⁹ accounts took 6.6 s
/// per iteration).
#[test]
fn campaigns_count_towards_the_opportunity_limit() {
    let base = super::reference();
    // The reference with one segment of 10⁹ accounts that only a campaign reaches.
    let huge = base.replacen("opportunities_per_account = 3", "opportunities_per_account = 0", 1);
    let accounts = huge.split("[[segments]]").nth(3).expect("a third segment");
    let line = accounts.lines().find(|l| l.starts_with("accounts")).expect("its accounts");
    let huge = huge.replacen(&format!("{line}\n"), "accounts = 1_000_000_000\n", 1);
    let seg = accounts.lines().find(|l| l.starts_with("name")).unwrap().split('"').nth(1).unwrap().to_string();
    let text = format!(
        "{huge}\n[[campaigns]]\nname = \"blitz\"\nsegment = \"{seg}\"\nchannel = \"telesales\"\nperiods = [2]\n\
         reach = 0.5\nhours_per_call = 0.1\nresponse = 0.2\nhit_rate = 0.2\n"
    );
    let e = match Scenario::from_toml_str(&text, "huge.toml") {
        Ok(_) => panic!("a campaign of 10⁸ opportunities should be refused"),
        Err(d) => d.to_string(),
    };
    assert!(e.contains("segments and campaigns expect about"), "{e}");
}

/// Issue 15, item 6: free text has a length limit and no control characters;
/// and control characters in a file never reach the terminal raw.
#[test]
fn long_text_and_control_characters_are_refused_and_never_printed_raw() {
    let base = super::reference();
    let long = base.replacen("name = \"Wholesale 2027 reference\"", &format!("name = \"{}\"", "x".repeat(100_000)), 1);
    let e = Scenario::from_toml_str(&long, "long.toml").unwrap_err().to_string();
    assert!(e.contains("100000 characters long; at most 200"), "{}", &e[..e.len().min(400)]);
    assert!(e.len() < 2_000, "the message does not repeat the text: {} bytes", e.len());

    let escape = base.replacen("name = \"Wholesale 2027 reference\"", "name = \"Wholesale \\u001b[31mred\\u0007\"", 1);
    let e = Scenario::from_toml_str(&escape, "esc.toml").unwrap_err().to_string();
    assert!(e.contains("control character U+001B"), "{e}");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "printed raw: {e:?}");

    // A key with an escape in it is named escaped.
    let key = base.replacen("[capacity]", "[capacity]\n\"en\\u001b[2Jforce\" = true", 1);
    let e = Scenario::from_toml_str(&key, "key.toml").unwrap_err().to_string();
    assert!(e.contains("unknown field") && e.contains("\\u{1b}"), "{e}");
    assert!(!e.contains('\u{1b}'), "printed raw: {e:?}");
}

/// Issue 15, item 3: a file with thousands of problems prints the first 50 in
/// full and counts the rest by kind (40,000 duplicate coverage rows took 168 s
/// and printed every one: the line of each was found by rescanning the file).
#[test]
fn thousands_of_problems_print_fifty_and_count_the_rest() {
    let base = super::reference();
    let row = "\n[[coverage]]\nsegment = \"key\"\nchannel = \"direct\"\nshare = 0.1\nhit_rate = 0.3\n";
    let text = format!("{base}{}", row.repeat(5_000));
    let e = Scenario::from_toml_str(&text, "many.toml").unwrap_err();
    assert!(e.error_count() >= 5_000, "{}", e.error_count());
    let shown = e.to_string();
    assert_eq!(shown.matches("error: many.toml:").count(), chancap::model::diag::SHOWN, "{}", &shown[..500]);
    assert!(shown.contains(&format!("… and {} more problems:", e.items.len() - chancap::model::diag::SHOWN)));
    assert!(
        shown.contains(" × segment \"…\" and channel \"…\" are paired twice"),
        "{}",
        &shown[shown.len().saturating_sub(600)..]
    );
}

/// Issue 15, item 1: inputs whose products overflowed to infinity (and then hung
/// plotters or wrote `null`s and `NaN`s) are refused, each naming its field, the
/// limit and why.
#[test]
fn inputs_that_would_overflow_are_refused_with_the_limit() {
    let base = super::reference();
    let cases = [
        ("hours_per_contact = 3", "hours_per_contact = 1e308", "coverage[1].hours_per_contact", "at most 100,000"),
        ("cost_per_fte = 110_000", "cost_per_fte = 1e308", "channels.direct.cost_per_fte", "at most 1e15"),
        ("hours_per_fte = 1400", "hours_per_fte = 5e-324", "channels.direct.hours_per_fte", "at least 1"),
        ("hours_per_fte = 1400", "hours_per_fte = 9000", "channels.direct.hours_per_fte", "at most 8,784"),
        (
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = 1e308",
            "segments[1].deal_size",
            "at most 1e15",
        ),
        (
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 1e300 }",
            "segments[1].deal_size",
            "σ ≤ 3",
        ),
        (
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = { dist = \"lognormal\", median = 1e-200, p90 = 120_000 }",
            "segments[1].deal_size",
            "σ ≤ 3",
        ),
        (
            // Within the spread, beyond the scale at its 1-in-10¹² value.
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = { dist = \"lognormal\", median = 1e12, p90 = 2e13 }",
            "segments[1].deal_size",
            "reaches 1.",
        ),
        (
            "deal_size = { dist = \"lognormal\", median = 40_000, p90 = 120_000 }",
            "deal_size = { dist = \"gamma\", mean = 40_000, sd = 4e7 }",
            "segments[1].deal_size",
            "sd ≤ 10 × mean",
        ),
        (
            "market_growth = { dist = \"normal\", mean = 0.03, sd = 0.04, min = -0.2, max = 0.3 }",
            "market_growth = { dist = \"normal\", mean = 0.03, sd = 1e300, min = -0.2 }",
            "scenario.market_growth",
            "at most 1,000",
        ),
        ("platform_cost = 150_000", "platform_cost = 1e16", "channels.webshop.platform_cost", "at most 1e15"),
        ("revenue = 26_000_000", "revenue = 1e300", "targets.revenue", "at most 1e18"),
    ];
    for (from, to, path, limit) in cases {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let e = match Scenario::from_toml_str(&text, "x.toml") {
            Ok(_) => panic!("{to} should be refused"),
            Err(d) => d.to_string(),
        };
        assert!(e.contains(path) && e.contains(limit), "{to}: expected {path} and {limit:?} in\n{e}");
    }
    // The limits themselves are accepted.
    for (from, to) in [
        ("cost_per_fte = 110_000", "cost_per_fte = 1e15"),
        ("hours_per_fte = 1400", "hours_per_fte = 1"),
        ("hours_per_contact = 3", "hours_per_contact = 100_000"),
    ] {
        super::scenario(&base.replacen(from, to, 1));
    }
}

/// A misspelt `[scenario]` table is one message too, not also "missing the
/// [scenario] table" pointing at the file's first line.
#[test]
fn a_misspelt_scenario_table_is_one_message() {
    let d = diagnostics_of("[scenario]", "[scenarios]");
    assert!(d.contains("unknown field `scenarios`") && d.contains("did you mean `scenario`?"), "{d}");
    assert!(!d.contains("missing the [scenario] table"), "{d}");
    assert!(d.ends_with("x.toml: 1 error, 0 warnings") || d.contains("1 error"), "{d}");
}
