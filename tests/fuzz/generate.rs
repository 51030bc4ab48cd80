//! The structure-aware generator: scenario documents written from the format's
//! own declaration (`chancap::model::schema`), section by section and field by
//! field, with each value drawn from a mix of what a real file holds, the edges
//! of what the reader allows, and — in a wild document — what it must refuse:
//! values just past a limit, NaN and infinities, wrong types, unknown keys, long
//! and control-character text, stray TOML, many sections.
//!
//! A tidy document keeps its names consistent (coverage rows name defined
//! segments and channels, shares of a segment add up to at most 1), so that a
//! good part of them are valid and reach the engine; a wild one does not.

use chancap::model::ChannelKind;
use chancap::model::schema::{self, Domain, Family, Field, Scale, Section, Value};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::Union;

/// The segment names a document picks from, top first.
const SEGMENTS: [&str; 4] = ["key", "mid", "small", "p-4"];

/// The channel names a document picks from, with their kinds.
const CHANNELS: [(&str, ChannelKind); 5] = [
    ("direct", ChannelKind::Direct),
    ("tele", ChannelKind::Telesales),
    ("partners", ChannelKind::Reseller),
    ("web", ChannelKind::Online),
    ("field_2", ChannelKind::Direct),
];

/// A coverage row: segment, channel and the channel's kind.
type Row = (&'static str, &'static str, ChannelKind);

/// How far a document strays from the format: 0 for a tidy one.
#[derive(Debug, Clone, Copy)]
struct Mix {
    wild: u32,
}

const TIDY: Mix = Mix { wild: 0 };
const WILD: Mix = Mix { wild: 1 };

impl Mix {
    /// The weight of a strange choice: `w` in a wild document, never in a tidy one.
    fn odd(self, w: u32) -> u32 {
        w * self.wild
    }
}

/// A weighted choice that drops the options of weight 0.
fn one_of<T: std::fmt::Debug + 'static>(options: Vec<(u32, BoxedStrategy<T>)>) -> BoxedStrategy<T> {
    Union::new_weighted(options.into_iter().filter(|(w, _)| *w > 0).collect()).boxed()
}

/// `Some` of `s` with probability `p` (0 and 1 included, which proptest's own excludes).
fn maybe<T: Clone + std::fmt::Debug + 'static>(p: f64, s: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    match p {
        p if p <= 0.0 => Just(None).boxed(),
        p if p >= 1.0 => s.prop_map(Some).boxed(),
        p => option::weighted(p, s).boxed(),
    }
}

fn fixed(text: &str) -> BoxedStrategy<String> {
    Just(text.to_string()).boxed()
}

/// Every document: tidy ones and wild ones.
pub fn document() -> impl Strategy<Value = String> {
    prop_oneof![3 => doc(TIDY), 2 => doc(WILD)]
}

/// A number as TOML writes it.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

fn doc(mix: Mix) -> BoxedStrategy<String> {
    let shape =
        (subsequence(SEGMENTS.to_vec(), 1..=SEGMENTS.len()), subsequence(CHANNELS.to_vec(), 1..=CHANNELS.len()));
    shape
        .prop_flat_map(|(segs, chans)| {
            let pairs: Vec<Row> = segs.iter().flat_map(|s| chans.iter().map(move |(c, k)| (*s, *c, *k))).collect();
            let most = pairs.len().min(8);
            (Just(segs), Just(chans), subsequence(pairs, 1..=most))
        })
        .prop_flat_map(move |(segs, chans, rows)| {
            let mut parts = vec![
                scenario(mix),
                option::weighted(0.4, section(&schema::TARGETS, "[targets]", vec![], mix))
                    .prop_map(Option::unwrap_or_default)
                    .boxed(),
                option::weighted(0.3, section(&schema::CAPACITY, "[capacity]", vec![], mix))
                    .prop_map(Option::unwrap_or_default)
                    .boxed(),
            ];
            parts.extend(segs.iter().map(|s| segment(s, mix)));
            parts.extend(chans.iter().map(|&(name, kind)| channel(name, kind, mix)));
            for &(seg, chan, kind) in &rows {
                let sharing = rows.iter().filter(|r| r.0 == seg).count();
                parts.push(coverage(seg, chan, kind, sharing, mix));
            }
            parts.push(campaigns(&rows, mix));
            parts.push(correlations(&rows, mix));
            (parts, vec(extra(mix), 0..=(2 * mix.wild as usize)), any::<bool>())
        })
        .prop_map(|(parts, extras, extras_first)| {
            let (body, extras) = (parts.concat(), extras.concat());
            if extras_first { extras + &body } else { body + &extras }
        })
        .boxed()
}

/// A table of `sec` under `header`: the fields given in `set` as they are, every
/// other field of the section present or not, and in a wild document unknown keys.
fn section(sec: &'static Section, header: &str, set: Vec<(&'static str, String)>, mix: Mix) -> BoxedStrategy<String> {
    section_without(sec, header, set, &[], mix)
}

/// [`section`] without the fields `skip`.
fn section_without(
    sec: &'static Section,
    header: &str,
    set: Vec<(&'static str, String)>,
    skip: &'static [&'static str],
    mix: Mix,
) -> BoxedStrategy<String> {
    let mut lines: Vec<BoxedStrategy<Option<String>>> = Vec::new();
    for (key, value) in &set {
        lines.push(Just(Some(format!("{key} = {value}"))).boxed());
    }
    let drawn = |f: &&Field| !set.iter().any(|(k, _)| *k == f.key) && !skip.contains(&f.key) && f.value != Value::Table;
    for f in sec.fields.iter().filter(drawn) {
        let present = match (f.default, mix.wild) {
            (None, 0) => 1.0,
            (None, _) => 0.9,
            (Some(_), _) if f.key == "seasonality" => 0.2,
            (Some(_), _) => 0.5,
        };
        let key = f.key;
        lines.push(maybe(present, value(f, mix).prop_map(move |v| format!("{key} = {v}")).boxed()));
    }
    lines.push(maybe(0.15 * mix.wild as f64, unknown_line(sec, mix)));
    let header = header.to_string();
    (lines, any::<prop::sample::Index>())
        .prop_map(move |(lines, at)| {
            let mut lines: Vec<String> = lines.into_iter().flatten().collect();
            // A wild table may have its keys in another order.
            if mix.wild > 0 && !lines.is_empty() {
                let i = at.index(lines.len());
                lines.swap(0, i);
            }
            format!("\n{header}\n{}\n", lines.join("\n"))
        })
        .boxed()
}

fn scenario(mix: Mix) -> BoxedStrategy<String> {
    section(&schema::SCENARIO, "[scenario]", vec![], mix)
}

fn segment(name: &'static str, mix: Mix) -> BoxedStrategy<String> {
    let name = one_of(vec![(20, Just(name.to_string()).boxed()), (mix.odd(2), identifier(mix))]);
    name.prop_flat_map(move |n| section(&schema::SEGMENT, "[[segments]]", vec![("name", quoted(&n))], mix)).boxed()
}

fn channel(name: &'static str, kind: ChannelKind, mix: Mix) -> BoxedStrategy<String> {
    let kinds: Vec<&'static str> = ChannelKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind_text = one_of(vec![
        (20, Just(kind.as_str().to_string()).boxed()),
        (mix.odd(3), select(kinds).prop_map(String::from).boxed()),
    ]);
    kind_text
        .prop_flat_map(move |k| {
            let sec = ChannelKind::parse(&k).unwrap_or(kind).section();
            section(sec, &format!("[channels.{name}]"), vec![("kind", quoted(&k))], mix)
        })
        .boxed()
}

fn coverage(
    seg: &'static str,
    chan: &'static str,
    kind: ChannelKind,
    sharing: usize,
    mix: Mix,
) -> BoxedStrategy<String> {
    let most = 1.0 / sharing as f64;
    let share = one_of(vec![
        (8, (0.0..=most).prop_map(num).boxed()),
        (2, select(vec![0.0, most]).prop_map(num).boxed()),
        (mix.odd(2), select(vec![1.0 + 1e-9, -0.0, 1.5, f64::NAN]).prop_map(num).boxed()),
    ]);
    share
        .prop_flat_map(move |share| {
            let set = vec![("segment", quoted(seg)), ("channel", quoted(chan)), ("share", share)];
            // A tidy document leaves the people-only fields off other channels.
            let skip = if kind.is_people() || mix.wild > 0 { &[][..] } else { schema::COVERAGE_PEOPLE_ONLY };
            section_without(&schema::COVERAGE, "[[coverage]]", set, skip, mix)
        })
        .boxed()
}

fn campaigns(rows: &[Row], mix: Mix) -> BoxedStrategy<String> {
    let people: Vec<Row> = rows.iter().copied().filter(|r| r.2.is_people() || mix.wild > 0).collect();
    if people.is_empty() {
        return fixed("");
    }
    let one = |name: &'static str| {
        let rows = select(people.clone());
        let campaign = rows.prop_flat_map(move |(seg, chan, _)| {
            let set = vec![("name", quoted(name)), ("segment", quoted(seg)), ("channel", quoted(chan))];
            section(&schema::CAMPAIGN, "[[campaigns]]", set, mix)
        });
        maybe(0.4, campaign.boxed()).prop_map(Option::unwrap_or_default)
    };
    (one("c1"), one("c2")).prop_map(|(a, b)| a + &b).boxed()
}

fn correlations(rows: &[Row], mix: Mix) -> BoxedStrategy<String> {
    let mut paths = vec!["scenario.market_growth".to_string()];
    for (seg, chan, kind) in rows {
        paths.push(format!("segments.{seg}.opportunities_per_account"));
        paths.push(format!("segments.{seg}.gross_margin"));
        paths.push(format!("coverage.{seg}.{chan}.hit_rate"));
        paths.push(format!("coverage.{seg}.{chan}.deal_size_factor"));
        let own = match kind {
            ChannelKind::Direct | ChannelKind::Telesales => "attrition",
            ChannelKind::Reseller => "partner_churn",
            ChannelKind::Online => "fee",
        };
        paths.push(format!("channels.{chan}.{own}"));
    }
    if mix.wild > 0 {
        paths.extend(["segments.key.deal_size".into(), "scenario.seed".into(), "nowhere.at.all".into()]);
    }
    let pair = (select(paths.clone()), select(paths), rank(mix)).prop_map(|(a, b, rank)| {
        format!("\n[[correlations]]\nbetween = [{}, {}]\nrank = {rank}\n", quoted(&a), quoted(&b))
    });
    one_of(vec![(8 - 4 * mix.wild, fixed("")), (1, vec(pair, 1..=3).prop_map(|c| c.concat()).boxed())])
}

fn rank(mix: Mix) -> BoxedStrategy<String> {
    one_of(vec![
        (6, (-1.0..=1.0f64).prop_map(num).boxed()),
        (2, select(vec![-1.0, 0.0, 1.0, 0.999_999_999]).prop_map(num).boxed()),
        (mix.odd(2), wrong()),
    ])
}

/// A line of TOML outside the format: an unknown or misspelt key.
fn unknown_line(sec: &'static Section, mix: Mix) -> BoxedStrategy<String> {
    let keys: Vec<&'static str> = sec.keys();
    let misspelt = (select(keys), any::<prop::sample::Index>()).prop_map(|(k, at)| {
        let mut k = k.to_string();
        k.remove(at.index(k.len()));
        k
    });
    let others = select(schema::SEGMENT.keys().into_iter().chain(schema::RESELLER.keys()).collect::<Vec<_>>());
    let key = prop_oneof![
        misspelt,
        others.prop_map(String::from),
        "[a-z_]{1,12}",
        Just("\"ä b\"".to_string()),
        Just("a.b.c".to_string()),
    ];
    (key, any_value(mix)).prop_map(|(k, v)| format!("{k} = {v}")).boxed()
}

/// Stray TOML: at the start it lands in the root table, at the end in the last table.
fn extra(mix: Mix) -> BoxedStrategy<String> {
    let nested = (1..120usize).prop_map(|n| format!("\ndeep = {}{}\n", "[".repeat(n), "]".repeat(n)));
    let many = (1..600usize, identifier(mix)).prop_map(|(n, name)| {
        (0..n)
            .map(|i| {
                format!(
                    "\n[[segments]]\nname = \"{name}{i}\"\naccounts = {i}\nopportunities_per_account = 1\ndeal_size = 1\n"
                )
            })
            .collect::<String>()
    });
    prop_oneof![
        Just("\n[scenario]\nname = \"twice\"\n".to_string()),
        Just("\n[[channels]]\nkind = \"direct\"\n".to_string()),
        Just("\n[channels]\nweb = 1\n".to_string()),
        Just("\nwhen = 1979-05-27T07:32:00Z\n".to_string()),
        Just("\n[sweep]\nset = [\"coverage.key.direct.share=0.1,0.9\"]\n".to_string()),
        Just("\n# a comment \u{202e} with a bidi override\n".to_string()),
        Just("\n\u{feff}x = 1\r\n".to_string()),
        nested,
        many,
        unknown_line(&schema::ROOT, mix).prop_map(|l| format!("\n{l}\n")),
    ]
    .boxed()
}

/// The value of a field, drawn by what it holds.
fn value(f: &'static Field, mix: Mix) -> BoxedStrategy<String> {
    let own = match f.value {
        Value::Text => text(mix),
        Value::Name | Value::Reference => identifier(mix).prop_map(|n| quoted(&n)).boxed(),
        Value::Bool => select(vec!["true", "false"]).prop_map(String::from).boxed(),
        Value::Whole => whole(f, mix),
        Value::Number => number_text(plain(f, mix)),
        Value::Uncertain | Value::PerItem => one_of(vec![(5, number_text(plain(f, mix))), (4, dist(f, mix))]),
        Value::List => list(f, mix),
        Value::Additions => additions(f, mix),
        Value::Choice(words) => select(words.to_vec()).prop_map(quoted).boxed(),
        Value::Table => fixed("{}"),
    };
    one_of(vec![(40, own), (mix.odd(2), wrong())])
}

/// Numbers as text, an integral one as an integer half the time (`12`, not `12.0`).
fn number_text(numbers: BoxedStrategy<f64>) -> BoxedStrategy<String> {
    (numbers, any::<bool>())
        .prop_map(
            |(x, whole)| if whole && x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { num(x) },
        )
        .boxed()
}

/// The range real scenarios use for a field.
fn typical(f: &Field) -> (f64, f64) {
    match (f.domain, f.scale) {
        (Domain::Rate, _) => (0.0, 1.0),
        (Domain::Growth, _) => (-0.5, 0.5),
        (Domain::Any, _) => (-1.0, 1.0),
        (_, Scale::Money) => (0.0, 1e6),
        (_, Scale::Total) => (0.0, 1e9),
        (_, Scale::Hours) => (0.0, 40.0),
        (_, Scale::YearHours) => (1.0, 2000.0),
        (_, Scale::PerYear) => (0.0, 50.0),
        (_, Scale::Factor) => (0.0, 3.0),
        (_, Scale::Free) => (0.0, 100.0),
    }
}

/// The edges of what the reader accepts for a field, and (wild) just past them.
fn edges(f: &Field, mix: Mix) -> (Vec<f64>, Vec<f64>) {
    let top = match f.domain {
        Domain::Rate => 1.0,
        _ => f.scale.max().min(1e300),
    };
    let least = f.scale.min();
    let mut inside: Vec<f64> =
        [top, 5e-324, 1e-300, 1.0, least.max(5e-324)].into_iter().filter(|x| *x >= least).collect();
    if f.domain != Domain::Positive {
        inside.extend([0.0, -0.0]);
    }
    if f.domain == Domain::Growth {
        inside.push(-0.999_999);
    }
    let mut outside = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e308, -1e308, f64::MAX, -5e-324, -1.0];
    outside.extend([top * (1.0 + 1e-12), top * 10.0, -top]);
    if mix.wild == 0 {
        outside.clear();
    }
    (inside, outside)
}

/// A plain number for a field: typical, at an edge, or (wild) past one.
fn plain(f: &Field, mix: Mix) -> BoxedStrategy<f64> {
    let (lo, hi) = typical(f);
    let (inside, outside) = edges(f, mix);
    let log_spread = (-3.0..=hi.max(1.0).log10()).prop_map(|e| 10f64.powf(e));
    let mut options = vec![(10, (lo..=hi).boxed()), (3, select(inside).boxed())];
    if f.domain != Domain::Rate && f.domain != Domain::Growth && f.domain != Domain::Any {
        options.push((3, log_spread.boxed()));
    }
    if !outside.is_empty() {
        options.push((mix.odd(3), select(outside).boxed()));
    }
    one_of(options)
}

fn whole(f: &Field, mix: Mix) -> BoxedStrategy<String> {
    let typical: BoxedStrategy<i64> = match f.key {
        "periods" => {
            prop_oneof![6 => Just(12i64), 1 => Just(4), 1 => Just(52), 1 => Just(1), 1 => Just(520), 2 => 1..=60i64]
                .boxed()
        }
        "iterations" => (1..=100_000i64).boxed(),
        "seed" => any::<i64>().prop_map(i64::abs).boxed(),
        "accounts" => prop_oneof![4 => 0..=2_000i64, 1 => 0..=2_000_000i64].boxed(),
        "headcount" | "partners" => (0..=40i64).boxed(),
        _ => (0..=12i64).boxed(),
    };
    let most = match f.key {
        "periods" => 520,
        "iterations" => 100_000_000,
        "seed" => i64::MAX,
        "accounts" => 1_000_000_000,
        "headcount" | "partners" => 1_000_000,
        _ => 10_000,
    };
    let least = if f.domain == Domain::Positive { 1 } else { 0 };
    let edges = select(vec![least, 1, most]);
    let past =
        select(vec!["-1", "521", "1000001", "10001", "1000000001", "9223372036854775808", "-0", "0x10", "1_0", "+3"]);
    one_of(vec![
        (10, typical.prop_map(|i| i.to_string()).boxed()),
        (1, edges.prop_map(|i| i.to_string()).boxed()),
        (mix.odd(2), past.prop_map(String::from).boxed()),
        (mix.odd(1), select(vec![1.5, 12.0, 1e300]).prop_map(num).boxed()),
    ])
}

/// A distribution table: mostly well formed over the field's range, or (wild)
/// any keys with any values.
fn dist(f: &'static Field, mix: Mix) -> BoxedStrategy<String> {
    // A tidy document uses the families whose support fits the field.
    let fits = |family: &Family| match (family, f.domain) {
        (Family::LogNormal | Family::Gamma, Domain::Rate | Domain::Growth) => mix.wild > 0,
        _ => true,
    };
    let families: Vec<Family> = Family::ALL.into_iter().filter(fits).collect();
    let untruncated = f.domain == Domain::Any || mix.wild > 0;
    let most_spread = if mix.wild > 0 { 1.3 } else { 0.95 };
    let tidy = (select(families), vec(plain(f, mix), 3), 0.0..most_spread, any::<bool>()).prop_map(
        move |(family, mut x, spread, alt)| {
            x.sort_by(f64::total_cmp);
            let [a, b, c] = [x[0], x[1], x[2]];
            let body = match family {
                Family::Fixed => format!("value = {}", num(b)),
                Family::Uniform => format!("min = {}, max = {}", num(a), num(c)),
                Family::Triangular | Family::Pert => format!("min = {}, mode = {}, max = {}", num(a), num(b), num(c)),
                Family::Normal if alt && untruncated => format!("mean = {}, sd = {}", num(b), num((c - a) / 4.0)),
                Family::Normal => {
                    format!("mean = {}, sd = {}, min = {}, max = {}", num(b), num((c - a) / 4.0), num(a), num(c))
                }
                Family::LogNormal if alt => format!("mean = {}, sd = {}", num(b), num(b * spread)),
                Family::LogNormal => format!("median = {}, p90 = {}", num(b), num(b * (1.0 + 3.0 * spread))),
                Family::Beta => {
                    let m = if untruncated { b } else { b.clamp(0.001, 0.999) };
                    format!("mean = {}, sd = {}", num(m), num(spread * (m * (1.0 - m)).abs().sqrt()))
                }
                Family::Gamma => format!("mean = {}, sd = {}", num(b), num(b * spread * 8.0)),
                Family::Discrete => {
                    format!("values = [{}, {}, {}], weights = [1, {}, 2]", num(a), num(b), num(c), num(spread))
                }
            };
            format!("{{ dist = \"{}\", {body} }}", family.name())
        },
    );
    let mut keys: Vec<&'static str> = Family::ALL.iter().flat_map(|f| f.keys().iter().copied()).collect();
    let names = prop_oneof![
        select(Family::ALL.to_vec()).prop_map(|f| quoted(f.name())),
        Just("\"poisson\"".to_string()),
        any_value(mix)
    ];
    keys.sort_unstable();
    keys.dedup();
    keys.retain(|k| *k != "dist");
    let keys = subsequence(keys, 0..6)
        .prop_flat_map(move |keys| keys.into_iter().map(|k| (Just(k), any_value(mix))).collect::<Vec<_>>());
    let wild = (names, keys).prop_map(|(name, kv)| {
        let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
        format!("{{ dist = {name}, {} }}", body.join(", "))
    });
    one_of(vec![(10, tidy.boxed()), (mix.odd(3), wild.boxed())])
}

fn list(f: &Field, mix: Mix) -> BoxedStrategy<String> {
    let array = |items: Vec<String>| format!("[{}]", items.join(", "));
    match f.key {
        "periods" => {
            let tidy = subsequence((1..=12).collect::<Vec<u32>>(), 1..=4)
                .prop_map(move |p| array(p.iter().map(u32::to_string).collect()));
            let wild = vec(-2..600i64, 0..6).prop_map(move |p| array(p.iter().map(i64::to_string).collect()));
            one_of(vec![(6, tidy.boxed()), (mix.odd(3), wild.boxed())])
        }
        _ => {
            // A seasonality profile: one factor per period or per period of a year.
            let factor = one_of(vec![
                (8, (0.0..3.0f64).boxed()),
                (1, select(vec![0.0, 1e308, 5e-324, 1e-300]).boxed()),
                (mix.odd(1), select(vec![-1.0, f64::NAN, f64::INFINITY]).boxed()),
            ]);
            let len = one_of(vec![
                (8, Just(12usize).boxed()),
                (mix.odd(1), select(vec![1usize, 4, 52, 520]).boxed()),
                (mix.odd(1), (0..=60usize).boxed()),
            ]);
            len.prop_flat_map(move |n| vec(factor.clone(), n))
                .prop_map(move |x| array(x.into_iter().map(num).collect()))
                .boxed()
        }
    }
}

fn additions(f: &Field, mix: Mix) -> BoxedStrategy<String> {
    let count_key = if f.key == "recruits" { "partners" } else { "headcount" };
    let period = one_of(vec![(6, (1..=12i64).boxed()), (mix.odd(2), select(vec![0i64, -1, 521, 1_000_000]).boxed())]);
    let one = (period, 0..=10i64).prop_map(move |(p, n)| format!("{{ period = {p}, {count_key} = {n} }}"));
    vec(one, 0..=3).prop_map(|items| format!("[{}]", items.join(", "))).boxed()
}

/// Text for a name, a label or the currency.
fn text(mix: Mix) -> BoxedStrategy<String> {
    one_of(vec![
        (6, "[A-Za-z0-9 €]{0,24}".prop_map(|s| quoted(&s)).boxed()),
        (1, select(vec![199usize, 200]).prop_map(|n| quoted(&"x".repeat(n))).boxed()),
        (mix.odd(1), Just(quoted(&"x".repeat(201))).boxed()),
        (mix.odd(3), weird_text()),
    ])
}

/// Text a person would not write: escapes of control characters, bidi overrides,
/// a lone surrogate, multi-line and literal strings, huge text.
fn weird_text() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "\"\\u0000\"",
            "\"\\u001b[31mred\\u001b[0m\"",
            "\"a\\tb\\nc\\rd\"",
            "\"\\uD800\"",
            "\"\\u202egnp.exe\"",
            "\"🙂🙂🙂\"",
            "\"\"",
            "'literal \\ text'",
            "\"\"\"multi\nline\"\"\"",
            "\"\u{7f}\"",
            "\"unterminated",
        ])
        .prop_map(String::from),
        (1..100_000usize).prop_map(|n| quoted(&"é".repeat(n))),
    ]
    .boxed()
}

/// A name: one of the pool, or (wild) one that breaks a rule.
fn identifier(mix: Mix) -> BoxedStrategy<String> {
    let pool: Vec<&'static str> = SEGMENTS.iter().copied().chain(CHANNELS.iter().map(|c| c.0)).collect();
    let odd = select(vec!["", "Key", "a b", "ä", "-", "_", "x.y", "key\"", "a\\b"]).prop_map(String::from);
    one_of(vec![
        (10, select(pool).prop_map(String::from).boxed()),
        (mix.odd(3), odd.boxed()),
        (mix.odd(1), (190..230usize).prop_map(|n| "a".repeat(n)).boxed()),
    ])
}

/// Any value at all, for unknown keys and wild distribution tables.
fn any_value(mix: Mix) -> BoxedStrategy<String> {
    one_of(vec![
        (12, (-1e3..1e3f64).prop_map(num).boxed()),
        (8, wrong()),
        (mix.odd(4), text(mix)),
        (mix.odd(1), select(vec!["", "= 1", "1 2", "[1,", "{ a = 1, }"]).prop_map(String::from).boxed()),
    ])
}

/// A value of the wrong type, or one TOML itself refuses.
fn wrong() -> BoxedStrategy<String> {
    select(vec![
        "\"twelve\"",
        "true",
        "[1, 2]",
        "[]",
        "{}",
        "{ a = 1 }",
        "1979-05-27",
        "07:32:00",
        "nan",
        "inf",
        "-inf",
        "+nan",
        "1e400",
        "1e-400",
        "9223372036854775808",
        "-9223372036854775809",
        "0x7fffffffffffffff",
        "0b101",
        "[1, \"a\", true]",
        "[[1], [2]]",
    ])
    .prop_map(String::from)
    .boxed()
}

/// A TOML basic string of `s`, escaped.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
