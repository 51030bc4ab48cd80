//! Writing run outputs: one place that touches the file system.
//!
//! The output directory is checked (created, probed for writing) before a long
//! run starts. Files are written whole or not at all: each goes to a temporary
//! file in the same directory first and is renamed once every file is written.
//!
//! Temporaries (and the probe) get random names and are created exclusively
//! (`O_EXCL`, through `tempfile`): a link planted in a shared output directory
//! at a name chancap would use is never followed, so chancap cannot be made to
//! overwrite or empty another file. A rename replaces a link at a final name
//! with the new file; it does not write through it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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

impl OutputDir {
    /// Creates `path` if needed and checks that files can be created in it.
    pub fn prepare(path: &Path) -> Result<OutputDir, OutputError> {
        let err = |source| OutputError { path: path.display().to_string(), source };
        fs::create_dir_all(path).map_err(err)?;
        // Removed when dropped.
        tempfile::Builder::new().prefix(".chancap-probe-").tempfile_in(path).map_err(err)?;
        Ok(OutputDir { path: path.to_path_buf() })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes every `(file name, bytes)` pair: all to temporary names first, then
    /// renamed into place. On error, the temporary files are removed.
    pub fn write_all<N: AsRef<str>>(&self, files: &[(N, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
        let err = |source| OutputError { path: self.path.display().to_string(), source };
        // Every file staged first; a temporary not yet renamed is removed when
        // dropped, on success and on error alike.
        let mut staged = Vec::with_capacity(files.len());
        for (name, bytes) in files {
            let name = name.as_ref();
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(".tmp");
            // As readable as any file the user makes (the umask applies), not
            // private like a temporary.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
            let mut tmp = builder.tempfile_in(&self.path).map_err(err)?;
            tmp.write_all(bytes).map_err(err)?;
            tmp.as_file().sync_all().map_err(err)?;
            staged.push((tmp, self.path.join(name)));
        }
        let mut written = Vec::with_capacity(staged.len());
        for (tmp, dest) in staged {
            tmp.persist(&dest).map_err(|e| err(e.error))?;
            written.push(dest);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("chancap-out-{}", std::process::id()));
        let out = OutputDir::prepare(&dir.join("a/b")).unwrap();
        let written = out.write_all(&[("x.txt", b"hello".to_vec()), ("y.txt", b"world".to_vec())]).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(fs::read(out.path().join("x.txt")).unwrap(), b"hello");
        let names: Vec<_> = fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_in_the_way_is_reported() {
        let file = std::env::temp_dir().join(format!("chancap-notdir-{}", std::process::id()));
        fs::write(&file, b"").unwrap();
        let e = OutputDir::prepare(&file.join("sub")).unwrap_err();
        assert!(e.to_string().contains("cannot write to output directory"));
        fs::remove_file(&file).unwrap();
    }

    /// Issue 15, item 7: links planted in a shared output directory at the names
    /// chancap used to create (`.NAME.tmp-PID`, `.chancap-probe-PID`) or at a final
    /// name never make it write through them.
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
        out.write_all(&[("x.txt", b"new".to_vec()), ("y.txt", b"new".to_vec())]).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        let y = fs::symlink_metadata(out.path().join("y.txt")).unwrap();
        assert!(y.file_type().is_file(), "the link at a final name is replaced by the file");
        assert_eq!(fs::read(out.path().join("y.txt")).unwrap(), b"new");
        // Written files get the mode any new file of the user gets (the umask
        // applies), not a temporary's private one.
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode();
        fs::write(dir.path().join("plain.txt"), b"").unwrap();
        assert_eq!(mode(&out.path().join("x.txt")), mode(&dir.path().join("plain.txt")));
        // No temporaries left behind.
        let hidden = fs::read_dir(out.path()).unwrap().flatten().filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with(".x.txt.") && n.ends_with(".tmp") || n.starts_with(".y.txt.")
        });
        assert_eq!(hidden.count(), 0);
    }
}
