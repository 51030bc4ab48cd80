//! `chancap sweep`: a parameter sweep, or one shard of it, around the library's
//! pure sweep engine; this side reads the scenario and the point files of an
//! interrupted run and writes the point, shard and output files.

use crate::cli::args::SweepArgs;
use crate::cli::common::{
    Context, chart_files, default_out, json_files, print_warnings, progress_bar, run_options, stdout, thread_pool,
};
use crate::cli::common::{Saver, output_dir};
use crate::cli::error::{Failure, input, runtime};
use chancap::analysis::sweep::shard::{self, POINTS_DIR, PointFile, ShardFile};
use chancap::analysis::sweep::{self, PointResult, Sweep, SweepOutput};
use chancap::model::paths::Document;
use chancap::model::{MAX_FILE_BYTES, read_bounded};
use chancap::output::OutputDir;
use chancap::report;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

/// Points already finished by an earlier run of the same sweep: the point files in
/// `dir` that can be read.
fn finished_points(dir: &Path, sweep_hash: &str, sweep: &Sweep) -> BTreeMap<usize, PointResult> {
    let files = json_files::<PointFile>(dir);
    shard::finished_points(files, sweep_hash, sweep.axes.len(), sweep.len())
}

/// What `--resume` found: `resumed: 12 of 40 points read from OUT/points/`.
fn resumed(found: usize, total: usize, dir: &Path) -> String {
    let dir = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
    if found == 0 {
        format!("resumed: no finished point of this sweep in {dir}; running all {total}")
    } else {
        format!("resumed: {found} of {total} points read from {dir}")
    }
}

/// Sweep output files: `sweep.csv`, `sweep.json` and, unless `no_plots`, charts.
pub(crate) fn output_files(out: &SweepOutput, no_plots: bool) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut files =
        vec![("sweep.csv".to_string(), report::sweep::csv(out)), ("sweep.json".to_string(), report::sweep::json(out))];
    if !no_plots {
        files.extend(chart_files(report::charts::sweep(out))?);
    }
    Ok(files)
}

/// Writes a sweep's output files into `dir`, as its `sweep` set of the scenario
/// `scenario_hash`.
pub(crate) fn write(dir: &OutputDir, scenario_hash: &str, files: &[(String, Vec<u8>)]) -> Result<(), Failure> {
    dir.write_set_of("sweep", Some(scenario_hash), files).map(|_| ()).map_err(runtime)
}

/// The sweep the arguments define: the `--set` parameters, else the file's `[sweep]`
/// table (which must be readable either way).
fn definition(opts: &SweepArgs, text: &str, doc: &Document) -> Result<Sweep, Failure> {
    let (file_sets, file_zip) = sweep::from_file(text).map_err(input)?;
    let (sets, zip) = if opts.sets.is_empty() {
        (file_sets, opts.zip || file_zip)
    } else {
        let sets = opts.sets.iter().map(|s| sweep::parse_set(s)).collect::<Result<Vec<_>, _>>().map_err(input)?;
        (sets, opts.zip)
    };
    Sweep::new(doc, &sets, zip, opts.max_points).map_err(input)
}

/// Writes the shard file (with `--shard`) or the sweep's output files; returns
/// what it wrote, for the closing line.
fn write_output(opts: &SweepArgs, out_dir: &OutputDir, output: &SweepOutput, total: usize) -> Result<String, Failure> {
    match opts.shard {
        Some((k, n)) => {
            let shard = ShardFile { shard: k, shards: n, total_points: total, sweep: output.clone() };
            let mut bytes = serde_json::to_vec_pretty(&shard).expect("shard serialises");
            bytes.push(b'\n');
            out_dir.write_all(&[(ShardFile::name(k, n), bytes)]).map_err(runtime)?;
            Ok(ShardFile::name(k, n))
        }
        None => {
            write(out_dir, &output.scenario_hash, &output_files(output, opts.output.no_plots)?)?;
            Ok("sweep.csv, sweep.json".to_string() + if opts.output.no_plots { "" } else { " and charts" })
        }
    }
}

/// `chancap sweep FILE`
pub(crate) fn sweep(ctx: &Context, opts: &SweepArgs) -> Result<(), Failure> {
    let scenario = ctx.load(&opts.file)?;
    if !opts.output.quiet {
        print_warnings(&scenario);
    }
    let text = read_bounded(&opts.file, MAX_FILE_BYTES)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| input(format!("reading {}: {e}", opts.file.display())))?;
    let doc = Document::parse(&text, &scenario.origin).map_err(input)?.with_load_options(ctx.load);
    let definition = definition(opts, &text, &doc)?;
    let run_opts = run_options(&opts.run, &scenario);
    let total = definition.len();
    if let Some((_, n)) = opts.shard
        && n > total
    {
        return Err(input(format!("--shard K/{n}: {n} shards for a sweep of {total} points; use at most {total}")));
    }
    let indices: Vec<usize> = match opts.shard {
        Some((k, n)) => shard::shard_points(k, n, total),
        None => (0..total).collect(),
    };
    let file_name = opts.file.file_name().map_or_else(|| scenario.origin.clone(), |n| n.to_string_lossy().into_owned());
    let scenario_hash = sweep::hash(&text);
    let sweep_hash = sweep::hash(&format!("{scenario_hash};{}", definition.canonical(&run_opts)));

    let out_path = opts.output.out.clone().unwrap_or_else(|| default_out(&opts.file, "-sweep"));
    let done = if opts.resume {
        finished_points(&out_path.join(POINTS_DIR), &sweep_hash, &definition)
    } else {
        BTreeMap::new()
    };
    let todo: Vec<usize> = indices.iter().copied().filter(|i| !done.contains_key(i)).collect();
    // Every point is validated before anything runs, and before anything is
    // created: an invalid sweep leaves no directory behind.
    definition.validate(&doc, &todo).map_err(input)?;
    let out_dir = output_dir(&out_path)?;
    let points_dir = output_dir(&out_path.join(POINTS_DIR))?;

    let pool = thread_pool(opts.run.threads)?;
    if !opts.output.quiet && opts.resume {
        eprintln!("{}", resumed(indices.len() - todo.len(), indices.len(), &out_path.join(POINTS_DIR)));
    }
    let bar = progress_bar(todo.len() as u64, "points", !opts.output.quiet && std::io::stderr().is_terminal());
    let start = Instant::now();
    let saver = Saver::new(&points_dir);
    let new_points = pool.install(|| {
        sweep::run_points(&definition, &doc, &todo, &run_opts, &|_| {}, &|point| {
            let file = PointFile { sweep_hash: sweep_hash.clone(), point: point.clone() };
            let bytes = serde_json::to_vec(&file).expect("point serialises");
            saver.save(PointFile::name(point.index), bytes);
            bar.tick(1);
        })
    });
    bar.finish();
    let new_points = new_points.map_err(input)?;
    let elapsed = start.elapsed();
    saver.finish()?;

    let mut points: Vec<PointResult> = done.into_values().filter(|p| indices.binary_search(&p.index).is_ok()).collect();
    points.extend(new_points);
    points.sort_by_key(|p| p.index);
    let output = SweepOutput {
        scenario: scenario.name.clone(),
        file: file_name,
        scenario_hash,
        sweep_hash,
        iterations: run_opts.iterations,
        seed: run_opts.seed,
        zip: definition.zip,
        parameters: definition.axes.iter().map(|a| a.path.to_string()).collect(),
        labels: chancap::analysis::sweep::SweepLabels::of(&scenario),
        points,
    };
    let wrote = write_output(opts, &out_dir, &output, total)?;
    if !opts.output.quiet {
        let mut text =
            report::sweep::table(&output, &scenario.currency, &report::labels::Labels::of_scenario(&scenario))
                .fit(ctx.width);
        let done = format!(
            "{} point{} × {} iterations in {:.1} s on {}. Wrote {wrote} to {}",
            report::format::count(todo.len() as f64),
            if todo.len() == 1 { "" } else { "s" },
            report::format::count(run_opts.iterations as f64),
            elapsed.as_secs_f64(),
            crate::cli::common::threads(pool.current_num_threads()),
            out_dir.path().display()
        );
        text.push_str(&format!("\n{}\n", report::table::wrap(&done, ctx.width)));
        stdout(text.as_bytes())?;
    }
    Ok(())
}
