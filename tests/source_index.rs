//! The lazy working-tree snapshot: files the git index shows unchanged are listed with the index's
//! blob id and read only by `fill`; every other file is read and hashed. Checked against the
//! eager snapshot, which hashes every file, on temporary git repositories.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use common::{partner, TestRepo, NSP};
use partnerctl::source::{blob_id, Repo, Side, Snapshot};

const A: &str = "partners/a.toml";
const B: &str = "partners/b.toml";
const C: &str = "partners/c.toml";
const PROGRAM: &str = "programs/nospamproxy.toml";

/// Path → blob id.
fn ids(snap: &Snapshot) -> BTreeMap<String, Option<gix::ObjectId>> {
    snap.files
        .iter()
        .map(|f| (f.path.clone(), f.blob_id))
        .collect()
}

/// The paths of the files listed without their bytes.
fn unread(snap: &Snapshot) -> Vec<String> {
    snap.files
        .iter()
        .filter(|f| f.bytes.is_empty())
        .map(|f| f.path.clone())
        .collect()
}

/// Set the modification time of `rel` to `secs` seconds from now (negative: in the past).
fn set_mtime(repo: &TestRepo, rel: &str, secs: i64) {
    let now = SystemTime::now();
    let at = if secs < 0 {
        now - Duration::from_secs(secs.unsigned_abs())
    } else {
        now + Duration::from_secs(secs.unsigned_abs())
    };
    std::fs::File::options()
        .write(true)
        .open(repo.abs(rel))
        .expect("open file")
        .set_modified(at)
        .expect("set mtime");
}

/// Write `rel` with a modification time in the past, so that the index git writes next is not
/// racily clean for it.
fn write_old(repo: &TestRepo, rel: &str, contents: &str) {
    repo.write(rel, contents);
    set_mtime(repo, rel, -10);
}

/// A committed repository: the NoSpamProxy program and partners a, b and c, all older than the
/// index.
fn committed() -> TestRepo {
    let repo = TestRepo::new();
    write_old(&repo, PROGRAM, NSP);
    for (rel, id) in [(A, "a"), (B, "b"), (C, "c")] {
        write_old(&repo, rel, &partner(id));
    }
    repo.commit_all("init");
    repo
}

/// The lazy and the eager working-tree snapshot, which must agree on every blob id and problem.
fn both(repo: &TestRepo) -> (Repo, Snapshot, Snapshot) {
    let source = Repo::discover(repo.path()).expect("discover");
    let lazy = source
        .snapshot_lazy(&Side::WorkTree)
        .expect("lazy snapshot");
    let full = source.snapshot(&Side::WorkTree).expect("snapshot");
    assert_eq!(ids(&lazy), ids(&full), "blob ids of the lazy snapshot");
    assert_eq!(lazy.problems, full.problems);
    assert!(
        unread(&full).is_empty(),
        "the eager snapshot reads every file"
    );
    for f in &full.files {
        assert_eq!(f.blob_id, blob_id(&f.bytes), "{}", f.path);
    }
    (source, lazy, full)
}

/// Fill every file and check that the bytes are the files' contents on disk.
fn fill_matches_disk(repo: &TestRepo, source: &Repo, mut lazy: Snapshot) {
    source.fill(&mut lazy, |_| true).expect("fill");
    assert!(unread(&lazy).is_empty());
    for f in &lazy.files {
        let disk = std::fs::read(repo.abs(&f.path)).expect("read file");
        assert_eq!(f.bytes, disk, "{}", f.path);
        assert_eq!(f.blob_id, blob_id(&f.bytes), "{}", f.path);
    }
}

/// The blob id git has for `rel` in the index.
fn staged_id(repo: &TestRepo, rel: &str) -> Option<gix::ObjectId> {
    let hex = repo.git(&["rev-parse", &format!(":{rel}")]);
    Some(gix::ObjectId::from_hex(hex.trim().as_bytes()).expect("git prints a full id"))
}

#[test]
fn unchanged_files_come_from_the_index_and_fill_reads_them() {
    let repo = committed();
    let (source, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, B, C, PROGRAM]);
    let listed = ids(&lazy);
    for rel in [A, B, C, PROGRAM] {
        assert_eq!(listed[rel], staged_id(&repo, rel));
        assert_eq!(listed[rel], blob_id(partner_or_program(rel).as_bytes()));
    }
    fill_matches_disk(&repo, &source, lazy.clone());
    // Only what is asked for is read.
    let mut some = lazy;
    source.fill(&mut some, |p| p == B).expect("fill");
    assert_eq!(unread(&some), [A, C, PROGRAM]);
    assert_eq!(some.files[1].bytes, partner("b").as_bytes());
}

fn partner_or_program(rel: &str) -> String {
    match rel {
        PROGRAM => NSP.to_owned(),
        _ => partner(
            rel.trim_start_matches("partners/")
                .trim_end_matches(".toml"),
        ),
    }
}

#[test]
fn a_same_size_edit_is_hashed_even_with_its_mtime_restored() {
    let repo = committed();
    let before = std::fs::metadata(repo.abs(B)).unwrap().modified().unwrap();
    let edited = partner("b").replace("2000.00", "3000.00");
    assert_eq!(edited.len(), partner("b").len());
    repo.write(B, &edited);
    // Size and mtime as recorded in the index: only the inode change time shows the edit.
    std::fs::File::options()
        .write(true)
        .open(repo.abs(B))
        .unwrap()
        .set_modified(before)
        .unwrap();
    let (source, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, C, PROGRAM]);
    assert_eq!(ids(&lazy)[B], blob_id(edited.as_bytes()));
    assert_ne!(ids(&lazy)[B], staged_id(&repo, B));
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn an_edit_in_the_second_of_the_index_write_is_hashed() {
    let repo = TestRepo::new();
    write_old(&repo, PROGRAM, NSP);
    repo.write(A, partner("a"));
    repo.commit_all("init");
    // Within the same second (and likely the same clock tick) as the index write, same size.
    let edited = partner("a").replace("2000.00", "2000.01");
    repo.write(A, &edited);
    let (source, lazy, _) = both(&repo);
    assert_eq!(ids(&lazy)[A], blob_id(edited.as_bytes()));
    assert_eq!(unread(&lazy), [PROGRAM]);
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn a_racily_clean_file_is_read_although_its_stat_data_matches() {
    let repo = committed();
    // A file modified "after" the index was written: its entry's stat data may match the file,
    // but a change within the same timestamp would not show (git may also smudge the entry).
    repo.write(C, partner("c").replace("Acme", "Acne"));
    set_mtime(&repo, C, 60);
    repo.git(&["add", C]);
    let (source, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, B, PROGRAM]);
    assert_eq!(ids(&lazy)[C], staged_id(&repo, C));
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn files_not_older_than_the_index_are_read() {
    let repo = committed();
    // The entries match their files exactly (git wrote them older than the index, so it did not
    // smudge them), but the index now claims to have been written before the files changed last.
    set_mtime(&repo, ".git/index", -20);
    let (source, lazy, _) = both(&repo);
    assert!(unread(&lazy).is_empty());
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn files_become_unchanged_once_git_status_refreshes_the_index() {
    let repo = TestRepo::new();
    repo.write(PROGRAM, NSP);
    repo.write(A, partner("a"));
    repo.commit_all("init");
    std::thread::sleep(Duration::from_millis(1100));
    repo.git(&["status", "--porcelain"]);
    let (source, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, PROGRAM]);
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn untracked_deleted_and_staged_files() {
    let repo = committed();
    // Untracked.
    repo.write("partners/d.toml", partner("d"));
    // Deleted from the working tree, still in the index.
    std::fs::remove_file(repo.abs(C)).unwrap();
    // Staged, not committed: the index's blob differs from HEAD's.
    let staged = partner("b").replace("Acme GmbH", "Acme Holding GmbH");
    write_old(&repo, B, &staged);
    repo.git(&["add", B]);
    let (source, lazy, _) = both(&repo);
    assert_eq!(
        ids(&lazy).keys().collect::<Vec<_>>(),
        [A, B, "partners/d.toml", PROGRAM]
    );
    assert_eq!(unread(&lazy), [A, B, PROGRAM]);
    assert_eq!(ids(&lazy)[B], blob_id(staged.as_bytes()));
    assert_eq!(
        ids(&lazy)["partners/d.toml"],
        blob_id(partner("d").as_bytes())
    );
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn intent_to_add_and_skip_worktree_entries_are_read() {
    let repo = committed();
    write_old(&repo, "partners/d.toml", &partner("d"));
    repo.git(&["add", "--intent-to-add", "partners/d.toml"]);
    // git stops tracking the file's changes, so its entry is not trusted either.
    repo.git(&["update-index", "--skip-worktree", B]);
    let (source, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, C, PROGRAM]);
    fill_matches_disk(&repo, &source, lazy);
}

#[test]
fn without_an_index_every_file_is_read() {
    // A fresh repository with untracked files only.
    let repo = TestRepo::new();
    write_old(&repo, PROGRAM, NSP);
    write_old(&repo, A, &partner("a"));
    assert!(!repo.path().join(".git/index").exists());
    let (_, lazy, _) = both(&repo);
    assert!(unread(&lazy).is_empty());

    // A committed repository whose index was removed.
    let repo = committed();
    std::fs::remove_file(repo.path().join(".git/index")).unwrap();
    let (_, lazy, _) = both(&repo);
    assert!(unread(&lazy).is_empty());

    // An index that cannot be read.
    let repo = committed();
    std::fs::write(repo.path().join(".git/index"), b"DIRC garbage").unwrap();
    let (_, lazy, _) = both(&repo);
    assert!(unread(&lazy).is_empty());
}

#[test]
fn fill_reads_the_object_database_when_the_file_changed_since_listing() {
    let repo = committed();
    let source = Repo::discover(repo.path()).unwrap();
    let mut lazy = source.snapshot_lazy(&Side::WorkTree).unwrap();
    assert_eq!(unread(&lazy), [A, B, C, PROGRAM]);
    repo.write(A, partner("a").replace("Acme", "Acne"));
    repo.write(B, partner("b") + "# more\n");
    repo.write(C, "");
    source.fill(&mut lazy, |_| true).unwrap();
    // The bytes go with the listed blob ids.
    for (f, id) in lazy.files.iter().zip(["a", "b", "c"]) {
        assert_eq!(f.bytes, partner(id).as_bytes(), "{}", f.path);
        assert_eq!(f.blob_id, blob_id(&f.bytes), "{}", f.path);
    }
}

#[test]
fn line_ending_conversion_disables_the_index() {
    let crlf = partner("a").replace('\n', "\r\n");

    // core.autocrlf: the blob has LF endings, the file CRLF.
    let repo = committed();
    repo.git(&["config", "core.autocrlf", "true"]);
    write_old(&repo, A, &crlf);
    repo.git(&["add", A]);
    let (_, lazy, _) = both(&repo);
    assert_eq!(ids(&lazy)[A], blob_id(crlf.as_bytes()));
    assert_ne!(ids(&lazy)[A], staged_id(&repo, A));
    assert!(unread(&lazy).is_empty());

    // The text attribute does the same.
    let repo = committed();
    write_old(&repo, ".gitattributes", "*.toml text\n");
    write_old(&repo, A, &crlf);
    repo.git(&["add", "-A"]);
    let (_, lazy, _) = both(&repo);
    assert_ne!(ids(&lazy)[A], staged_id(&repo, A));
    assert!(unread(&lazy).is_empty());

    // Attributes that convert nothing keep the index in use.
    let repo = committed();
    write_old(&repo, ".gitattributes", "*.png binary\n");
    repo.commit_all("attributes");
    let (_, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, B, C, PROGRAM]);
}

#[test]
fn attributes_disable_the_index_only_for_the_files_they_convert() {
    let crlf = partner("a").replace('\n', "\r\n");
    // An attributes file in a data directory, naming one file: only that file is converted.
    let repo = committed();
    write_old(&repo, "partners/.gitattributes", "a.toml eol=crlf\n");
    write_old(&repo, A, &crlf);
    repo.commit_all("attributes");
    write_old(&repo, A, &crlf);
    let (source, lazy, _) = both(&repo);
    assert_eq!(ids(&lazy)[A], blob_id(crlf.as_bytes()));
    assert_ne!(ids(&lazy)[A], staged_id(&repo, A), "git stores LF endings");
    assert_eq!(unread(&lazy), [B, C, PROGRAM]);
    fill_matches_disk(&repo, &source, lazy);

    // A clean filter (Git LFS, say) on one file, from the repository's own attributes.
    let repo = committed();
    write_old(
        &repo,
        ".git/info/attributes",
        "partners/b.toml filter=lfs\n",
    );
    let (_, lazy, _) = both(&repo);
    assert_eq!(unread(&lazy), [A, C, PROGRAM]);
}

#[test]
fn attributes_that_turn_conversion_off_keep_the_index_in_use() {
    // `-text` and the `binary` macro (`-diff -merge -text`) mean git stores the bytes as they
    // are; `!eol` leaves the attribute unspecified.
    for attributes in [
        "*.toml -text\n",
        "*.toml binary\n",
        "*.toml !eol -ident -filter\n",
    ] {
        let repo = committed();
        write_old(&repo, ".gitattributes", attributes);
        repo.commit_all("attributes");
        let (source, lazy, _) = both(&repo);
        assert_eq!(unread(&lazy), [A, B, C, PROGRAM], "{attributes}");
        fill_matches_disk(&repo, &source, lazy);
    }
}

/// A revision of 300 partners (more than are read on one thread) read in parallel, its objects
/// loose or packed with deltas: every blob id and every byte as the working tree has them.
#[test]
fn revisions_read_in_parallel_match_the_working_tree() {
    let repo = TestRepo::new();
    write_old(&repo, PROGRAM, NSP);
    let base = partner("a");
    for i in 0..300 {
        let rel = format!("partners/p{i:03}.toml");
        write_old(&repo, &rel, &base.replace("Acme", &format!("Acme {i}")));
    }
    repo.commit_all("init");
    let disk = Repo::discover(repo.path())
        .unwrap()
        .snapshot(&Side::WorkTree)
        .unwrap();
    let compare = |label: &str| {
        let source = Repo::discover(repo.path()).unwrap();
        let rev = source.snapshot(&Side::Rev("HEAD".into())).unwrap();
        assert_eq!(ids(&rev), ids(&disk), "{label}");
        for (r, d) in rev.files.iter().zip(&disk.files) {
            assert_eq!(r.bytes, d.bytes, "{label}: {}", r.path);
        }
        let mut lazy = source.snapshot_lazy(&Side::Rev("HEAD".into())).unwrap();
        assert_eq!(unread(&lazy).len(), 301, "{label}");
        source.fill(&mut lazy, |_| true).unwrap();
        for (r, d) in lazy.files.iter().zip(&disk.files) {
            assert_eq!(r.bytes, d.bytes, "{label}: {}", r.path);
        }
    };
    compare("loose");
    repo.git(&["repack", "-adq", "--depth=50", "--window=300"]);
    repo.git(&["prune-packed"]);
    let packs = std::fs::read_dir(repo.path().join(".git/objects/pack")).unwrap();
    assert!(packs
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "pack")));
    compare("packed");
}

#[cfg(unix)]
#[test]
fn problems_are_reported_as_before() {
    let repo = committed();
    repo.symlink("a.toml", "partners/link.toml");
    repo.write("partners/big.toml", vec![b'#'; 1024 * 1024 + 1]);
    let (_, lazy, _) = both(&repo);
    let codes: Vec<(&str, &str)> = lazy
        .problems
        .iter()
        .map(|d| (d.code.as_str(), d.file.as_str()))
        .collect();
    assert!(
        codes.contains(&("symlink", "partners/link.toml")),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("file-too-large", "partners/big.toml")),
        "{codes:?}"
    );
    assert_eq!(unread(&lazy), [A, B, C, PROGRAM]);
}
