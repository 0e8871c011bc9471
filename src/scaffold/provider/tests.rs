use super::*;

#[test]
fn builtin_loads_and_embeds_every_file_of_its_directory() {
    let p = builtin();
    assert_eq!(p.name, "builtin");
    assert_eq!(p.questions[0].dest, "workflow_id");
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates/scaffold/builtin");
    let on_disk = read_templates(&root.join("templates")).unwrap();
    let embedded: Vec<&String> = p.templates.keys().collect();
    assert_eq!(
        embedded,
        on_disk.keys().collect::<Vec<_>>(),
        "update BUILTIN_TEMPLATES"
    );
    let (_, diags) = manifest::parse(BUILTIN_MANIFEST);
    assert!(diags.is_empty(), "{diags:?}");
}

fn provider_dir(root: &Utf8Path, name: &str, manifest: &str, templates: &[(&str, &str)]) {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("provider.toml"), manifest).unwrap();
    for (p, t) in templates {
        let path = dir.join("templates").join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn template_trees_with_a_link_cycle_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8Path::from_path(tmp.path()).unwrap();
    provider_dir(root, "loop", "", &[("sub/a.jinja2", "a\n")]);
    std::os::unix::fs::symlink(
        root.join("loop/templates"),
        root.join("loop/templates/sub/back"),
    )
    .unwrap();
    let p = load(&SearchPath::new(&[root.to_owned()], None), "loop").unwrap();
    assert_eq!(p.templates["sub/a.jinja2"].text, "a\n");
    assert_eq!(
        p.templates.keys().filter(|k| k.starts_with("sub/")).count(),
        1
    );
}

#[test]
fn providers_extend_and_override() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Utf8Path::from_path(tmp.path()).unwrap();
    provider_dir(
        root,
        "base2",
        "description = \"b\"\n[[questions]]\ndest = \"extra\"\nafter = \"workflow_name\"\ndefault = \"x\"\n[[questions]]\ndest = \"license_type\"\ntype = \"choice\"\nchoices = [\"MIT\"]\ndefault = \"MIT\"\n",
        &[
            ("README.md.jinja2", "mine\n"),
            ("new.txt.jinja2", "{{ extra }}\n"),
        ],
    );
    provider_dir(
        root,
        "top",
        "extends = \"base2\"\n[[questions]]\ndest = \"last\"\ntype = \"bool\"\nwhen = \"extra == 'x'\"\n",
        &[],
    );
    let search = SearchPath::new(&[root.to_owned()], None);
    let p = load(&search, "top").unwrap();
    assert_eq!(p.bases, ["base2", "builtin"]);
    let dests: Vec<&str> = p.questions.iter().map(|q| q.dest.as_str()).collect();
    assert_eq!(&dests[..3], ["workflow_id", "workflow_name", "extra"]);
    assert_eq!(dests.last(), Some(&"last"));
    let license = p
        .questions
        .iter()
        .find(|q| q.dest == "license_type")
        .unwrap();
    assert_eq!(license.default, Some(serde_json::Value::from("MIT")));
    assert_eq!(p.templates["README.md.jinja2"].provider, "base2");
    assert_eq!(p.templates["spec.yaml.jinja2"].provider, "builtin");
    assert!(p.templates.contains_key("new.txt.jinja2"));

    // A condition on a later question, an unknown `after`, a cycle, a missing name.
    provider_dir(
        root,
        "bad",
        "[[questions]]\ndest = \"a\"\nwhen = \"b == 1\"\n[[questions]]\ndest = \"b\"\nafter = \"nope\"\n",
        &[],
    );
    let e = load(&search, "bad").unwrap_err();
    let ProviderError::Manifest { diagnostics, .. } = &e else {
        panic!("{e}")
    };
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`after = \"nope\"`: there is no question `nope` before `b`",
            "`when` of `a` reads `b`, which is not one of the questions asked before it"
        ]
    );
    assert!(
        e.summary().contains("bad/provider.toml:6:9: "),
        "{}",
        e.summary()
    );
    provider_dir(root, "c1", "extends = \"c2\"\n", &[]);
    provider_dir(root, "c2", "extends = \"c1\"\n", &[]);
    assert_eq!(
        load(&search, "c1").unwrap_err().to_string(),
        "providers extend each other in a cycle: c1 → c2 → c1"
    );
    let e = load(&search, "missing").unwrap_err().to_string();
    assert!(e.starts_with("provider `missing` not found in "), "{e}");
    assert!(
        e.ends_with("available: builtin, bad, base2, c1, c2, top"),
        "{e}"
    );
    provider_dir(
        root,
        "none",
        "extends = \"none\"\n[[questions]]\ndest = \"x\"\n",
        &[],
    );
    let e = load(&search, "none").unwrap_err();
    assert!(
        e.summary()
            .ends_with("the provider does not ask for `workflow_id`"),
        "{}",
        e.summary()
    );
    let listed = list(&search);
    assert_eq!(listed.len(), 7);
    assert!(listed.iter().filter(|l| l.provider.is_err()).count() == 4);
}
