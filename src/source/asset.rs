//! Reading single asset files (logos) by path.

use std::path::Path;

use super::{Repo, SourceError};

/// Reading single asset files (logos) by path, with the same rules as data files: no symbolic
/// links anywhere on the way, size checked before reading.
impl Repo {
    /// The root tree of a revision.
    pub fn tree_of(&self, rev: &str) -> Result<gix::ObjectId, SourceError> {
        let id = self.resolve(rev)?;
        self.git()?
            .find_commit(id)
            .and_then(|c| c.tree_id().map(|t| t.detach()))
            .map_err(|e| SourceError(format!("reading the tree of {rev:?}: {e}")))
    }

    /// Read the regular file at `parts` (checked components: no `..`, `.` or empty ones) from the
    /// working tree, or from `tree` when given. `Ok(Err(reason))` when it is missing, a symbolic
    /// link (anywhere on the way), a submodule, not a file, or larger than `max` bytes.
    pub fn read_asset(
        &self,
        tree: Option<gix::ObjectId>,
        parts: &[&str],
        max: u64,
    ) -> Result<Result<Vec<u8>, String>, SourceError> {
        match tree {
            None => Ok(read_asset_on_disk(&self.root, parts, max)),
            Some(tree) => self.read_asset_in_tree(tree, parts, max),
        }
    }

    fn read_asset_in_tree(
        &self,
        tree: gix::ObjectId,
        parts: &[&str],
        max: u64,
    ) -> Result<Result<Vec<u8>, String>, SourceError> {
        let git = self.git()?;
        let fail =
            |e: &dyn std::fmt::Display| SourceError(format!("reading {}: {e}", parts.join("/")));
        let mut current = git.find_tree(tree).map_err(|e| fail(&e))?;
        for (i, part) in parts.iter().enumerate() {
            let Some(entry) = current.find_entry(*part) else {
                return Ok(Err("no such file in the revision".into()));
            };
            let (mode, oid) = (entry.mode(), entry.object_id());
            if mode.is_link() {
                return Ok(Err("symbolic links are not followed".into()));
            } else if mode.is_commit() {
                return Ok(Err("submodules are not read".into()));
            } else if i + 1 < parts.len() {
                if !mode.is_tree() {
                    return Ok(Err("no such file in the revision".into()));
                }
                current = git.find_tree(oid).map_err(|e| fail(&e))?;
            } else if !mode.is_blob() {
                return Ok(Err("not a regular file".into()));
            } else {
                let size = git.find_header(oid).map_err(|e| fail(&e))?.size();
                if size > max {
                    return Ok(Err(too_big(size, max)));
                }
                return Ok(Ok(git.find_blob(oid).map_err(|e| fail(&e))?.take_data()));
            }
        }
        Ok(Err("no such file in the revision".into()))
    }
}

fn too_big(size: u64, max: u64) -> String {
    format!("the file is {size} bytes; at most {max} bytes are allowed")
}

/// [`Repo::read_asset`] from the working tree below `root`.
fn read_asset_on_disk(root: &Path, parts: &[&str], max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut path = root.to_path_buf();
    let mut meta = None;
    for part in parts {
        path.push(part);
        let m = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file in the repository".to_owned(),
            _ => format!("cannot read it: {e}"),
        })?;
        if m.file_type().is_symlink() {
            return Err("symbolic links are not followed".into());
        }
        meta = Some(m);
    }
    let meta = meta.filter(|m| m.is_file()).ok_or("not a regular file")?;
    if meta.len() > max {
        return Err(too_big(meta.len(), max));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64, max));
    }
    Ok(bytes)
}
