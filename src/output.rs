//! Writing run outputs: one place that touches the file system.
//!
//! The output directory is checked (created, probed for writing) before a long
//! run starts. What a command writes there is swapped in as a set:
//!
//! - **Locked.** A command holds `.chancap.lock` (an exclusive `flock`) while it
//!   writes; a second chancap writing into the same directory waits for it, so
//!   sets never interleave. The lock file stays; it is empty.
//! - **Staged.** Every file of the set is written and synced in a fresh private
//!   directory (`.chancap-stage-XXXXXX`) first. Nothing in the output directory
//!   changes until all of them are written; a failure removes the stage.
//! - **Marked complete last.** `manifest.json` lists each command's set (names,
//!   sizes, SHA-256). The command's entry is taken out before its files are
//!   renamed into place and put back, with the new files, after: a set is
//!   complete exactly when its entry is there and the files match it. Readers
//!   (`report --from`) read only complete sets. Files of the command's previous
//!   set that the new one lacks are removed, so no stale chart stays behind.
//! - **One scenario.** The manifest records the scenario fingerprint each set
//!   was made from. A new set removes the other commands' sets that are not of
//!   the same scenario (another plan, an edited file, a set written before
//!   fingerprints were recorded, a comparison): a directory holds the outputs
//!   of one plan, never a mix. Files chancap did not write are never touched.
//! - **Cleaned.** Temporaries and stages that a killed run left are removed by
//!   the next one, under the lock.
//!
//! Single files (a sweep's point files, a shard file) are written with the same
//! lock and staging but no manifest entry: each is whole or absent.
//!
//! Temporaries get random names and are created exclusively (`O_EXCL`, through
//! `tempfile`); the lock file is opened without following links. A link planted
//! in a shared output directory at a name chancap uses is never followed, so
//! chancap cannot be made to overwrite or empty another file. A rename replaces
//! a link at a final name with the new file; it does not write through it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The file that lists the complete sets in an output directory.
pub const MANIFEST: &str = "manifest.json";

/// The lock a command holds while it writes.
const LOCK: &str = ".chancap.lock";

/// Prefix of the staging directories.
const STAGE: &str = ".chancap-stage-";

/// Prefix of the probe that checks a directory is writable.
const PROBE: &str = ".chancap-probe-";

/// Largest manifest read back (a set of thousands of charts fits many times).
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// A checked, writable output directory.
#[derive(Debug, Clone)]
pub struct OutputDir {
    path: PathBuf,
}

/// The output directory cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot write to output directory {path}: {source}")]
pub struct OutputError {
    /// The directory.
    pub path: String,
    /// The cause.
    #[source]
    pub source: std::io::Error,
}

/// One file of a set, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// File name, in the output directory.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of its content, lowercase hex.
    pub sha256: String,
}

/// `manifest.json`: the complete set each command last wrote here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The chancap version that wrote the manifest last.
    pub chancap: String,
    /// Each command's set (`run`, `report`, `sweep`, …), its files in order.
    pub sets: BTreeMap<String, Vec<Entry>>,
    /// The scenario fingerprint (`Scenario::content_hash`) each set was made
    /// from; absent for a set of several scenarios (`compare`) and in
    /// manifests written before it was recorded.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scenarios: BTreeMap<String, String>,
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A file name chancap may write: one plain path component, not hidden, not
/// the manifest.
fn plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!((parts.next(), parts.next()), (Some(std::path::Component::Normal(_)), None))
        && !name.starts_with('.')
        && name != MANIFEST
        && !name.contains(['/', '\\'])
}

/// Whether `name` is a temporary or stage a chancap run leaves only when it
/// is killed: `.NAME.XXXXXX.tmp` (this version), `.NAME.tmp-PID` (earlier
/// ones), a stage or a probe.
fn stale(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else { return false };
    rest.starts_with(&STAGE[1..])
        || rest.starts_with(&PROBE[1..])
        || rest.rsplit_once(".tmp-").is_some_and(|(n, pid)| !n.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        || rest.strip_suffix(".tmp").and_then(|r| r.rsplit_once('.')).is_some_and(|(n, random)| {
            !n.is_empty() && random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

impl OutputDir {
    /// Creates `path` if needed and checks that files can be created in it.
    pub fn prepare(path: &Path) -> Result<OutputDir, OutputError> {
        let err = |source| OutputError { path: path.display().to_string(), source };
        if fs::metadata(path).is_ok_and(|m| !m.is_dir()) {
            let message = "it is a file, not a directory: name a new or existing directory";
            return Err(err(std::io::Error::new(ErrorKind::AlreadyExists, message)));
        }
        fs::create_dir_all(path).map_err(err)?;
        // Removed when dropped.
        tempfile::Builder::new().prefix(PROBE).tempfile_in(path).map_err(err)?;
        Ok(OutputDir { path: path.to_path_buf() })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, source: std::io::Error) -> OutputError {
        OutputError { path: self.path.display().to_string(), source }
    }

    /// Takes the directory's lock (waiting for another chancap holding it) and
    /// removes what killed runs left; the lock is held until the file drops.
    fn lock(&self) -> Result<fs::File, OutputError> {
        let mut options = fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        let file = options.open(self.path.join(LOCK)).map_err(|e| self.error(e))?;
        file.lock().map_err(|e| self.error(e))?;
        for entry in fs::read_dir(&self.path).map_err(|e| self.error(e))?.flatten() {
            let name = entry.file_name();
            if !stale(&name.to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            // A stage is a directory; anything else is a file or a link, which
            // is removed, never followed.
            let dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            let _ = if dir { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
        }
        Ok(file)
    }

    /// Writes `files` into a fresh private stage in the directory.
    fn stage<N: AsRef<str>>(&self, files: &[(N, Vec<u8>)]) -> Result<tempfile::TempDir, OutputError> {
        let err = |e| self.error(e);
        let mut seen = std::collections::HashSet::new();
        for (name, _) in files {
            let name = name.as_ref();
            if !plain_name(name) || !seen.insert(name) {
                let why = if seen.contains(name) { "twice in one set" } else { "not a plain file name" };
                return Err(err(std::io::Error::new(ErrorKind::InvalidInput, format!("{name:?} is {why}"))));
            }
        }
        let stage = tempfile::Builder::new().prefix(STAGE).tempdir_in(&self.path).map_err(err)?;
        for (name, bytes) in files {
            // The stage is fresh and private: nothing can be planted in it.
            let mut file = fs::File::create_new(stage.path().join(name.as_ref())).map_err(err)?;
            file.write_all(bytes).map_err(err)?;
            file.sync_all().map_err(err)?;
        }
        Ok(stage)
    }

    /// Writes every `(file name, bytes)` pair, each whole or not at all (a
    /// sweep's point files, a shard file): staged, then renamed into place.
    /// Touches no set of the manifest.
    pub fn write_all<N: AsRef<str>>(&self, files: &[(N, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
        let _lock = self.lock()?;
        let stage = self.stage(files)?;
        let written = self.swap_in(&stage, files)?;
        sync_dir(&self.path);
        Ok(written)
    }

    /// Renames the staged `files` into the directory.
    fn swap_in<N: AsRef<str>>(
        &self,
        stage: &tempfile::TempDir,
        files: &[(N, Vec<u8>)],
    ) -> Result<Vec<PathBuf>, OutputError> {
        let mut written = Vec::with_capacity(files.len());
        for (name, _) in files {
            let dest = self.path.join(name.as_ref());
            fs::rename(stage.path().join(name.as_ref()), &dest).map_err(|e| self.error(e))?;
            written.push(dest);
        }
        Ok(written)
    }

    /// Writes `files` as the complete set of `command` in this directory,
    /// replacing its previous set (see the module documentation): after an
    /// error or a kill, the set is absent from the manifest, never mixed.
    pub fn write_set<N: AsRef<str>>(&self, command: &str, files: &[(N, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
        self.write_set_of(command, None, files)
    }

    /// [`write_set`](Self::write_set) for a set made from the scenario with
    /// fingerprint `scenario` (`None`: several scenarios). Every other set that
    /// is not of the same scenario is removed with it (see the module
    /// documentation): the directory then holds one plan's outputs.
    pub fn write_set_of<N: AsRef<str>>(
        &self,
        command: &str,
        scenario: Option<&str>,
        files: &[(N, Vec<u8>)],
    ) -> Result<Vec<PathBuf>, OutputError> {
        let _lock = self.lock()?;
        let stage = self.stage(files)?;
        let mut manifest = read_manifest(&self.path).unwrap_or_default();
        let mut previous = manifest.sets.remove(command).unwrap_or_default();
        manifest.scenarios.remove(command);
        let foreign: Vec<String> = manifest
            .sets
            .keys()
            .filter(|set| scenario.is_none() || manifest.scenarios.get(*set).map(String::as_str) != scenario)
            .cloned()
            .collect();
        for set in foreign {
            previous.extend(manifest.sets.remove(&set).unwrap_or_default());
            manifest.scenarios.remove(&set);
        }
        // The set is incomplete (and the foreign ones gone) from here until its entry is back.
        self.put_manifest(&stage, &manifest)?;
        let written = self.swap_in(&stage, files)?;
        // Files of the previous and foreign sets that this one lacks and no other set claims.
        let claimed = |name: &str| {
            files.iter().any(|(n, _)| n.as_ref() == name) || manifest.sets.values().flatten().any(|e| e.name == name)
        };
        for old in previous.iter().filter(|e| plain_name(&e.name) && !claimed(&e.name)) {
            let _ = fs::remove_file(self.path.join(&old.name));
        }
        let entries = files
            .iter()
            .map(|(name, bytes)| Entry {
                name: name.as_ref().to_string(),
                bytes: bytes.len() as u64,
                sha256: sha256(bytes),
            })
            .collect();
        manifest.sets.insert(command.to_string(), entries);
        if let Some(hash) = scenario {
            manifest.scenarios.insert(command.to_string(), hash.to_string());
        }
        self.put_manifest(&stage, &manifest)?;
        Ok(written)
    }

    /// Replaces the manifest (through the stage) and syncs the directory.
    fn put_manifest(&self, stage: &tempfile::TempDir, manifest: &Manifest) -> Result<(), OutputError> {
        let manifest = Manifest { chancap: env!("CARGO_PKG_VERSION").to_string(), ..manifest.clone() };
        let mut bytes = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        bytes.push(b'\n');
        let tmp = stage.path().join(MANIFEST);
        let mut file = fs::File::create(&tmp).map_err(|e| self.error(e))?;
        file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(|e| self.error(e))?;
        fs::rename(&tmp, self.path.join(MANIFEST)).map_err(|e| self.error(e))?;
        sync_dir(&self.path);
        Ok(())
    }
}

/// The manifest of `dir`, if it has a readable one.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = crate::model::read_bounded(&dir.join(MANIFEST), MAX_MANIFEST_BYTES).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Makes renames in `dir` durable where the platform allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Why an output directory holds no complete set of a command.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// No manifest, or none listing the command.
    #[error(
        "{dir} holds no complete `chancap {command}` output with {file}: its {MANIFEST} lists none (a run killed \
         while writing leaves none, as did chancap builds without manifests); run `chancap {command}` first"
    )]
    Missing {
        /// The directory.
        dir: String,
        /// The file wanted.
        file: String,
        /// The command.
        command: String,
    },
    /// A file of the set is missing or differs from what the manifest lists.
    #[error("{path} is not the file `chancap {command}` wrote there: {why}; run it again")]
    Changed {
        /// The file.
        path: String,
        /// The command.
        command: String,
        /// What differs.
        why: String,
    },
}

/// Reads file `name` of the complete set `command` wrote in `dir`, at most
/// `limit` bytes: refused unless the manifest lists it with this content.
pub fn read_from_set(dir: &Path, command: &str, name: &str, limit: u64) -> Result<Vec<u8>, SetError> {
    let missing =
        || SetError::Missing { dir: dir.display().to_string(), file: name.to_string(), command: command.to_string() };
    let manifest = read_manifest(dir).ok_or_else(missing)?;
    let entry = manifest.sets.get(command).and_then(|set| set.iter().find(|e| e.name == name)).ok_or_else(missing)?;
    let path = dir.join(name);
    let changed = |why: String| SetError::Changed { path: path.display().to_string(), command: command.into(), why };
    let bytes = crate::model::read_bounded(&path, limit).map_err(|e| changed(e.to_string()))?;
    if bytes.len() as u64 != entry.bytes || sha256(&bytes) != entry.sha256 {
        return Err(changed("its content differs from the manifest's".into()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn writes_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::prepare(&dir.path().join("a/b")).unwrap();
        let written = out.write_all(&[("x.txt", b"hello".to_vec()), ("y.txt", b"world".to_vec())]).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(fs::read(out.path().join("x.txt")).unwrap(), b"hello");
        assert_eq!(names(out.path()), [LOCK, "x.txt", "y.txt"]);
    }

    #[test]
    fn a_file_in_the_way_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("notdir");
        fs::write(&file, b"").unwrap();
        let e = OutputDir::prepare(&file.join("sub")).unwrap_err();
        assert!(e.to_string().contains("cannot write to output directory"));
        // The file itself named as the directory: said plainly, and left alone.
        let e = OutputDir::prepare(&file).unwrap_err().to_string();
        assert!(e.ends_with("notdir: it is a file, not a directory: name a new or existing directory"), "{e}");
        assert!(file.is_file());
    }

    /// Issue 15, item 7: links planted in a shared output directory at the names
    /// chancap used to create (`.NAME.tmp-PID`, `.chancap-probe-PID`), at the
    /// lock or at a final name never make it write through them.
    #[cfg(unix)]
    #[test]
    fn planted_links_are_never_written_through() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, b"precious").unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        let pid = std::process::id();
        for name in [format!(".x.txt.tmp-{pid}"), format!(".chancap-probe-{pid}"), "y.txt".to_string()] {
            symlink(&victim, out.join(name)).unwrap();
        }
        let out = OutputDir::prepare(&out).unwrap();
        out.write_set("run", &[("x.txt", b"new".to_vec()), ("y.txt", b"new".to_vec())]).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        let y = fs::symlink_metadata(out.path().join("y.txt")).unwrap();
        assert!(y.file_type().is_file(), "the link at a final name is replaced by the file");
        assert_eq!(fs::read(out.path().join("y.txt")).unwrap(), b"new");
        // Written files get the mode any new file of the user gets (the umask
        // applies), not a temporary's private one.
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        fs::write(dir.path().join("plain.txt"), b"").unwrap();
        assert_eq!(mode(&out.path().join("x.txt")), mode(&dir.path().join("plain.txt")));
        // The planted temporaries are gone (removed as stale, not followed).
        assert_eq!(names(out.path()), [LOCK, MANIFEST, "x.txt", "y.txt"]);
        // A link planted at the lock is refused, not followed.
        fs::remove_file(out.path().join(LOCK)).unwrap();
        symlink(&victim, out.path().join(LOCK)).unwrap();
        assert!(out.write_all(&[("z.txt", b"new".to_vec())]).is_err());
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
    }

    /// Issue 15, item 8: a set replaces the command's previous set as a whole
    /// (its stale files removed, other commands' sets kept), the manifest lists
    /// exactly the complete sets, and what a killed run left is cleaned up.
    #[test]
    fn sets_replace_sets_and_the_manifest_lists_complete_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::prepare(dir.path()).unwrap();
        out.write_set_of("run", Some("h1"), &[("summary.json", b"1".to_vec()), ("old-chart.png", b"c".to_vec())])
            .unwrap();
        out.write_set_of("report", Some("h1"), &[("report.html", b"r".to_vec())]).unwrap();
        // Leftovers of a run killed while writing.
        fs::create_dir(out.path().join(".chancap-stage-a1b2c3")).unwrap();
        fs::write(out.path().join(".chancap-stage-a1b2c3/summary.json"), b"half").unwrap();
        fs::write(out.path().join(".cells.csv.Xy12Zq.tmp"), b"half").unwrap();
        fs::write(out.path().join(".mine.tmp"), b"the user's").unwrap();
        out.write_set_of("run", Some("h1"), &[("summary.json", b"2".to_vec()), ("cells.csv", b"c".to_vec())]).unwrap();
        assert_eq!(
            names(out.path()),
            [".chancap.lock", ".mine.tmp", "cells.csv", MANIFEST, "report.html", "summary.json"]
        );
        let manifest = read_manifest(out.path()).unwrap();
        assert_eq!(manifest.sets.keys().collect::<Vec<_>>(), ["report", "run"]);
        assert_eq!(manifest.sets["run"][0], Entry { name: "summary.json".into(), bytes: 1, sha256: sha256(b"2") });
        assert_eq!(read_from_set(out.path(), "run", "summary.json", 100).unwrap(), b"2");
        // Changed, missing or unlisted: refused.
        fs::write(out.path().join("summary.json"), b"3").unwrap();
        assert!(matches!(read_from_set(out.path(), "run", "summary.json", 100), Err(SetError::Changed { .. })));
        assert!(matches!(read_from_set(out.path(), "sweep", "sweep.json", 100), Err(SetError::Missing { .. })));
        fs::remove_file(out.path().join(MANIFEST)).unwrap();
        assert!(matches!(read_from_set(out.path(), "run", "summary.json", 100), Err(SetError::Missing { .. })));
    }

    /// Issue 16: a directory holds one plan's outputs. A set of the same
    /// scenario keeps the other commands' sets; a set of another scenario, or
    /// of several (compare), removes them, and the files the user put there
    /// stay.
    #[test]
    fn a_set_of_another_scenario_removes_the_earlier_plans_sets() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::prepare(dir.path()).unwrap();
        out.write_set_of("run", Some("h1"), &[("summary.json", b"1".to_vec()), ("capacity-old.png", b"c".to_vec())])
            .unwrap();
        out.write_set_of("sensitivity", Some("h1"), &[("sensitivity.json", b"s".to_vec())]).unwrap();
        fs::write(out.path().join("notes.txt"), b"the user's").unwrap();
        // Same plan: both stay.
        out.write_set_of("report", Some("h1"), &[("report.html", b"r".to_vec())]).unwrap();
        assert_eq!(
            names(out.path()),
            [
                ".chancap.lock",
                "capacity-old.png",
                MANIFEST,
                "notes.txt",
                "report.html",
                "sensitivity.json",
                "summary.json"
            ]
        );
        // An edited plan: the run's set replaces everything of the old one.
        out.write_set_of("run", Some("h2"), &[("summary.json", b"2".to_vec())]).unwrap();
        assert_eq!(names(out.path()), [".chancap.lock", MANIFEST, "notes.txt", "summary.json"]);
        let manifest = read_manifest(out.path()).unwrap();
        assert_eq!(manifest.sets.keys().collect::<Vec<_>>(), ["run"]);
        assert_eq!(manifest.scenarios["run"], "h2");
        // A set of several scenarios shares the directory with no plan's set.
        out.write_set_of("compare", None, &[("compare.json", b"c".to_vec())]).unwrap();
        assert_eq!(names(out.path()), [".chancap.lock", "compare.json", MANIFEST, "notes.txt"]);
        assert!(read_manifest(out.path()).unwrap().scenarios.is_empty());
    }

    /// A set with a name twice or a name that is not a plain file name writes
    /// nothing (two sweep parameters once gave two charts one name).
    #[test]
    fn bad_or_repeated_names_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::prepare(dir.path()).unwrap();
        for files in [
            vec![("a.png", vec![1]), ("a.png", vec![2])],
            vec![("a.png", vec![1]), ("../b.png", vec![2])],
            vec![(MANIFEST, vec![1])],
            vec![(".hidden", vec![1])],
        ] {
            let e = out.write_set("run", &files).unwrap_err();
            assert_eq!(e.source.kind(), ErrorKind::InvalidInput, "{e}");
            assert_eq!(names(out.path()), [LOCK]);
        }
    }

    /// Two writers into one directory at once never interleave their sets:
    /// whichever finishes last, the directory holds one complete set.
    #[test]
    fn concurrent_sets_do_not_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let out = OutputDir::prepare(dir.path()).unwrap();
        let files =
            |tag: u8| -> Vec<(String, Vec<u8>)> { (0..20).map(|i| (format!("f{i}.csv"), vec![tag; 1000])).collect() };
        std::thread::scope(|s| {
            for tag in [b'a', b'b'] {
                let out = out.clone();
                s.spawn(move || {
                    for _ in 0..20 {
                        out.write_set("run", &files(tag)).unwrap();
                    }
                });
            }
        });
        let manifest = read_manifest(out.path()).unwrap();
        let first = fs::read(out.path().join("f0.csv")).unwrap();
        for entry in &manifest.sets["run"] {
            let bytes = read_from_set(out.path(), "run", &entry.name, 10_000).unwrap();
            assert_eq!(bytes, first, "{} is from the other writer", entry.name);
        }
    }

    #[test]
    fn stale_names_are_only_chancaps_own() {
        for name in [".chancap-stage-x1Y2z3", ".chancap-probe-9", ".summary.json.tmp-123", ".cells.csv.aB3dE5.tmp"] {
            assert!(stale(name), "{name}");
        }
        for name in
            [".mine.tmp", "cells.csv", ".cells.csv.tmp-x", ".a.toolong7.tmp", ".tmp-1", ".chancap.lock", ".x.tmp"]
        {
            assert!(!stale(name), "{name}");
        }
    }
}
