//! The message keys of the code and the templates held against the catalogues, from the sources
//! alone: both catalogues have the same keys, every catalogue key is used, and every key the code
//! names exists. No key is built at run time (each is a literal in an exhaustive `match` or a call),
//! so nothing here lists keys by hand.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Lang;

/// The message ids of a language's catalogue files.
fn catalogue_keys(lang: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/locales")
        .join(lang);
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("catalogue folder") {
        let path = entry.expect("entry").path();
        let source = std::fs::read_to_string(&path).expect("readable catalogue");
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
        for entry in resource.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                let file = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    keys.insert(m.id.name.to_string()),
                    "{} twice ({file})",
                    m.id.name
                );
            }
        }
    }
    keys
}

/// Every key must exist in both catalogues: a key in one language only would show the other
/// language (or the key itself) to some users.
#[test]
fn catalogues_have_the_same_keys_in_both_languages() {
    let (ko, en) = (catalogue_keys("ko"), catalogue_keys("en"));
    let only_ko: Vec<_> = ko.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ko).collect();
    assert!(only_ko.is_empty(), "keys only in Korean: {only_ko:?}");
    assert!(only_en.is_empty(), "keys only in English: {only_en:?}");
    assert!(ko.len() > 10, "the catalogues look empty");
}

/// Every catalogue key is written as a literal somewhere in the code or the templates: a key no
/// source names is a message no one can see, left behind by a change.
#[test]
fn every_catalogue_key_is_used() {
    let literals: BTreeSet<String> = sources()
        .iter()
        .flat_map(|s| s.tokens.iter())
        .filter_map(|t| match t {
            Token::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    for lang in Lang::ALL {
        let unused: Vec<_> = catalogue_keys(lang.code())
            .into_iter()
            .filter(|key| !literals.contains(key))
            .collect();
        assert!(
            unused.is_empty(),
            "keys in the {} catalogue that no source names: {unused:?}",
            lang.code()
        );
    }
}

/// Every literal the code or a template hands to the translation (a `t` call, an error of a form,
/// the body of a `…_key` function) that looks like a key of one of the catalogues' families is a
/// key: a typo or a removed message would show its key instead of words.
#[test]
fn every_key_in_use_is_in_the_catalogues() {
    let sources = sources();
    for lang in Lang::ALL {
        let defined = catalogue_keys(lang.code());
        let families: BTreeSet<&str> = defined.iter().map(|k| family(k)).collect();
        let mut in_use = 0;
        let mut missing = Vec::new();
        for source in &sources {
            for literal in key_positions(&source.tokens) {
                if !is_key_shaped(literal) || !families.contains(family(literal)) {
                    continue;
                }
                in_use += 1;
                if !defined.contains(literal) {
                    missing.push(format!("{literal} ({})", source.path.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys not in the {} catalogue: {missing:?}",
            lang.code()
        );
        assert!(
            in_use > 300,
            "found only {in_use} keys in use: the scan is broken"
        );
    }
}

/// The first segment of a key (`field` of `field-email`): the family it belongs to.
fn family(key: &str) -> &str {
    key.split('-').next().unwrap_or(key)
}

/// Lower-case words joined by `-`, at least two of them (`role-admin`, `institution-type-non_bank`).
fn is_key_shaped(text: &str) -> bool {
    let mut words = text.split('-');
    let well_formed = |w: &str| {
        w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !w.is_empty()
    };
    let first = words
        .next()
        .is_some_and(|w| well_formed(w) && w.starts_with(|c: char| c.is_ascii_lowercase()));
    let rest: Vec<_> = words.collect();
    first && !rest.is_empty() && rest.into_iter().all(well_formed)
}

/// Methods whose string arguments are message keys: the translations and the errors of a form.
const KEY_METHODS: [&str; 6] = ["t", "t1", "t_with", "try_t", "add", "add_with"];

/// Associated functions whose string arguments are message keys.
const KEY_FUNCTIONS: [(&str, &str); 3] = [
    ("Errors", "one"),
    ("Errors", "form"),
    // A form's shape check names its message key as its code (see `Errors::from_shape`).
    ("ValidationError", "new"),
];

/// The string literals where the sources name message keys: the arguments of the calls above,
/// and the bodies of functions named `…_key` or `…_keys` (the exhaustive matches of typed values).
fn key_positions(tokens: &[Token]) -> Vec<&str> {
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        let before = |n: usize| i.checked_sub(n).map(|j| &tokens[j]);
        let is_method =
            KEY_METHODS.contains(&word.as_str()) && before(1) == Some(&Token::Punct('.'));
        let is_function = KEY_FUNCTIONS.iter().any(|(owner, name)| {
            word == name
                && before(1) == Some(&Token::Punct(':'))
                && before(2) == Some(&Token::Punct(':'))
                && before(3) == Some(&Token::Word((*owner).to_owned()))
        });
        if (is_method || is_function) && tokens.get(i + 1) == Some(&Token::Punct('(')) {
            found.extend(literals_within(&tokens[i + 1..], '(', ')'));
        }
        let is_key_fn = before(1) == Some(&Token::Word("fn".to_owned()))
            && (word.ends_with("_key") || word.ends_with("_keys"));
        if is_key_fn {
            let body = tokens[i..]
                .iter()
                .position(|t| matches!(t, Token::Punct('{' | ';')))
                .filter(|&at| tokens[i + at] == Token::Punct('{'));
            if let Some(at) = body {
                found.extend(literals_within(&tokens[i + at..], '{', '}'));
            }
        }
    }
    found
}

/// The string literals between `open` (the first token) and the bracket that closes it.
fn literals_within(tokens: &[Token], open: char, close: char) -> Vec<&str> {
    let mut depth = 0;
    let mut literals = Vec::new();
    for token in tokens {
        match token {
            Token::Punct(c) if *c == open => depth += 1,
            Token::Punct(c) if *c == close => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::Str(s) => literals.push(s.as_str()),
            _ => {}
        }
    }
    literals
}

/// A source file read as tokens: Rust code whole, a template's `{{ … }}` and `{% … %}` tags.
struct Source {
    path: PathBuf,
    tokens: Vec<Token>,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    collect(&root.join("src"), &mut paths);
    collect(&root.join("templates"), &mut paths);
    let sources: Vec<Source> = paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable source");
            let tokens = if path.extension().is_some_and(|e| e == "rs") {
                tokens(&text)
            } else {
                template_tags(&text).flat_map(tokens).collect()
            };
            Source { path, tokens }
        })
        .collect();
    assert!(sources.len() > 50, "found too few sources");
    sources
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "html" || e == "txt")
        {
            out.push(path);
        }
    }
}

/// The code inside a template's expression and statement tags; the markup around them is not code.
fn template_tags(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = [rest.find("{{"), rest.find("{%")]
            .into_iter()
            .flatten()
            .min()?;
        let end_mark = if rest[start..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let inner = &rest[start + 2..];
        let end = inner.find(end_mark).unwrap_or(inner.len());
        rest = &inner[(end + 2).min(inner.len())..];
        Some(&inner[..end])
    })
}

/// What the scan needs of Rust (and of askama's Rust-like tags): string literals, words and
/// punctuation, with comments, character literals and lifetimes left out.
#[derive(Debug, PartialEq)]
enum Token {
    Str(String),
    Word(String),
    Punct(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            let (text, next) = string_literal(&chars, i + 1, 0);
            tokens.push(Token::Str(text));
            i = next;
        } else if c == '\'' {
            // A character literal ('x', '\n', '"') is skipped whole; a lifetime ('a) by its quote.
            if at(i + 1) == '\\' {
                i += 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br") && matches!(at(i), '"' | '#');
            if raw {
                let hashes = chars[i..].iter().take_while(|c| **c == '#').count();
                let (text, next) = string_literal(&chars, i + hashes + 1, hashes);
                tokens.push(Token::Str(text));
                i = next;
            } else {
                tokens.push(Token::Word(word));
            }
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// The text of a string literal whose content starts at `from`, and where the code goes on after
/// it. A raw string (`hashes` > 0 or `r"…"`) ends at a quote and that many `#`; any other at an
/// unescaped quote. Escapes are kept as written: keys have none.
fn string_literal(chars: &[char], from: usize, hashes: usize) -> (String, usize) {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '\\' && hashes == 0 {
            i += 2;
            continue;
        }
        if chars[i] == '"' && chars[i + 1..].iter().take(hashes).all(|c| *c == '#') {
            let end = (i + 1 + hashes).min(chars.len());
            return (chars[from..i].iter().collect(), end);
        }
        i += 1;
    }
    (chars[from.min(chars.len())..].iter().collect(), chars.len())
}

#[test]
fn the_scan_reads_literals_calls_and_key_functions() {
    let code = r##"
        // ctx.t("comment-key") is a comment
        let c = '"'; let q = '\''; fn f<'a>(x: &'a str) {}
        errors.add("email", "field-email"); Errors::form("login-refused");
        let raw = r#"raw-text"#;
        fn message_key(self) -> &'static str { match self { A => "notice-a", B => "notice-b" } }
        fn label_key(self) -> &'static str;
        fn other() { "not-a-key" }
    "##;
    let tokens = tokens(code);
    assert_eq!(
        key_positions(&tokens),
        [
            "email",
            "field-email",
            "login-refused",
            "notice-a",
            "notice-b"
        ]
    );
    assert!(tokens.contains(&Token::Str("raw-text".into())));
    assert!(!tokens.contains(&Token::Str("comment-key".into())));
    let tags: Vec<_> =
        template_tags(r#"<a class="x-y">{{ ctx.t("home-title") }}</a>{% if a %}"#).collect();
    assert_eq!(tags, [r#" ctx.t("home-title") "#, " if a "]);
    assert!(is_key_shaped("institution-type-non_bank"));
    assert!(!is_key_shaped("field") && !is_key_shaped("new password") && !is_key_shaped("-x"));
}
