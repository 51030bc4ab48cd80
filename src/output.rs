//! Writing run outputs: one place that touches the file system.
//!
//! The output directory is checked (created, probed for writing) before a long
//! run starts. Files are written whole or not at all: each goes to a temporary
//! name in the same directory first and is renamed once every file is written.

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
        let probe = path.join(format!(".chancap-probe-{}", std::process::id()));
        fs::File::create(&probe).map_err(err)?;
        fs::remove_file(&probe).map_err(err)?;
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
        let mut staged = Vec::new();
        let result = (|| {
            for (name, bytes) in files {
                let name = name.as_ref();
                let tmp = self.path.join(format!(".{name}.tmp-{}", std::process::id()));
                staged.push((tmp.clone(), self.path.join(name)));
                let mut f = fs::File::create(&tmp)?;
                f.write_all(bytes)?;
                f.sync_all()?;
            }
            for (tmp, dest) in &staged {
                fs::rename(tmp, dest)?;
            }
            Ok(())
        })();
        if let Err(e) = result {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            return Err(err(e));
        }
        Ok(staged.into_iter().map(|(_, dest)| dest).collect())
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
}
