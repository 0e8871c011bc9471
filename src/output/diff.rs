//! A unified diff of two texts, line by line: Myers' O(ND) shortest edit script, then
//! hunks with three lines of context under `@@ -l,s +l,s @@` headers.

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Beyond this many differing lines the edit script is not searched for: every old line
/// is deleted and every new one inserted (keeps memory bounded, O(`MAX_EDITS`²)).
const MAX_EDITS: usize = 2000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// The unified diff turning `old` into `new` (`""` when they are equal): `--- old_name`,
/// `+++ new_name`, then the hunks. A last line without a newline is followed by
/// `\ No newline at end of file`.
pub fn unified_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = edit_script(&a, &b);
    if ops.iter().all(|&op| op == Op::Equal) {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    // (op, index in `a` or `b` for the line it shows, lines of a / b before it).
    let mut steps = Vec::with_capacity(ops.len());
    let (mut i, mut j) = (0, 0);
    for &op in &ops {
        steps.push((op, i, j));
        match op {
            Op::Equal => (i, j) = (i + 1, j + 1),
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    for (start, end) in hunks(&ops) {
        let (_, a0, b0) = steps[start];
        let count = |keep: Op| {
            ops[start..end]
                .iter()
                .filter(|&&op| op == Op::Equal || op == keep)
                .count()
        };
        let (old_len, new_len) = (count(Op::Delete), count(Op::Insert));
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a0, old_len),
            range(b0, new_len)
        ));
        for &(op, i, j) in &steps[start..end] {
            let (sign, line) = match op {
                Op::Equal => (' ', a[i]),
                Op::Delete => ('-', a[i]),
                Op::Insert => ('+', b[j]),
            };
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// A hunk header's `start,len` (`start` alone when `len` is 1; the line before when 0).
fn range(before: usize, len: usize) -> String {
    match len {
        0 => format!("{before},0"),
        1 => format!("{}", before + 1),
        _ => format!("{},{len}", before + 1),
    }
}

/// The `[start, end)` ranges of `ops` shown as hunks: each change with `CONTEXT` equal
/// lines either side, changes closer than twice that merged into one hunk.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (k, _) in ops.iter().enumerate().filter(|(_, op)| **op != Op::Equal) {
        let (start, end) = (k.saturating_sub(CONTEXT), (k + 1 + CONTEXT).min(ops.len()));
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => out.push((start, end)),
        }
    }
    out
}

/// The shortest edit script from `a` to `b` (common prefix and suffix first, Myers on
/// the rest).
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a_rest, b_rest) = (&a[prefix..], &b[prefix..]);
    let suffix = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (
        &a_rest[..a_rest.len() - suffix],
        &b_rest[..b_rest.len() - suffix],
    );
    let mut ops = vec![Op::Equal; prefix];
    ops.extend(myers(a_mid, b_mid).unwrap_or_else(|| {
        let mut all = vec![Op::Delete; a_mid.len()];
        all.resize(a_mid.len() + b_mid.len(), Op::Insert);
        all
    }));
    ops.extend(std::iter::repeat_n(Op::Equal, suffix));
    ops
}

/// Myers' greedy algorithm with the furthest-reaching x of every diagonal kept per edit
/// count for the backtrack; `None` past `MAX_EDITS` edits.
fn myers(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    let offset = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    // trace[d][k + d]: the furthest x on diagonal k after d - 1 edits.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'search: for d in 0..=max.min(MAX_EDITS) as isize {
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| v[(offset + k) as usize];
            let mut x = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
                at(k + 1)
            } else {
                at(k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                (x, y) = (x + 1, y + 1);
            }
            v[(offset + k) as usize] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'search;
            }
        }
    }
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=found?).rev() {
        let row = &trace[d as usize];
        let at = |k: isize| row[(k + d) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let (prev_x, prev_y) = if d == 0 {
            (0, 0)
        } else {
            (at(prev_k), at(prev_k) - prev_k)
        };
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal);
            (x, y) = (x - 1, y - 1);
        }
        if d > 0 {
            ops.push(if x == prev_x { Op::Insert } else { Op::Delete });
            (x, y) = (prev_x, prev_y);
        }
    }
    ops.reverse();
    Some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: std::ops::Range<usize>) -> String {
        n.map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
        assert_eq!(unified_diff("", "", "x", "y"), "");
    }

    #[test]
    fn one_change_with_context() {
        let old = lines(0..10);
        let new = old.replace("line 5\n", "line five\n");
        let diff = unified_diff(&old, &new, "a/f", "b/f");
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -3,7 +3,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n"
        );
    }

    #[test]
    fn distant_changes_make_two_hunks_close_ones_one() {
        let old = lines(0..30);
        let far = old
            .replace("line 2\n", "")
            .replace("line 25\n", "line 25\nnew\n");
        let diff = unified_diff(&old, &far, "a", "b");
        let headers: Vec<&str> = diff.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(headers, ["@@ -1,6 +1,5 @@", "@@ -24,6 +23,7 @@"]);
        let near = old
            .replace("line 2\n", "")
            .replace("line 8\n", "line 8\nnew\n");
        let diff = unified_diff(&old, &near, "a", "b");
        let headers: Vec<&str> = diff.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(headers, ["@@ -1,12 +1,12 @@"]);
    }

    #[test]
    fn additions_to_empty_and_missing_final_newline() {
        assert_eq!(
            unified_diff("", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        );
        assert_eq!(
            unified_diff("a\nb", "a\nb\n", "x", "y"),
            "--- x\n+++ y\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
        );
    }

    #[test]
    fn the_script_is_minimal_and_applies() {
        let a: Vec<&str> = "a b c a b b a".split(' ').collect();
        let b: Vec<&str> = "c b a b a c".split(' ').collect();
        let ops = edit_script(&a, &b);
        // The classic example of Myers' paper: 5 edits.
        assert_eq!(ops.iter().filter(|&&op| op != Op::Equal).count(), 5);
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        for op in ops {
            match op {
                Op::Equal => {
                    out.push(a[i]);
                    (i, j) = (i + 1, j + 1);
                }
                Op::Delete => i += 1,
                Op::Insert => {
                    out.push(b[j]);
                    j += 1;
                }
            }
        }
        assert_eq!(out, b);
    }

    #[test]
    fn too_many_edits_fall_back_to_replacing_everything() {
        let old = lines(0..(MAX_EDITS + 10));
        let new: String = (0..(MAX_EDITS + 10))
            .map(|i| format!("other {i}\n"))
            .collect();
        let diff = unified_diff(&old, &new, "a", "b");
        assert_eq!(
            diff.lines().filter(|l| l.starts_with('-')).count(),
            MAX_EDITS + 11
        );
        assert_eq!(
            diff.lines().filter(|l| l.starts_with('+')).count(),
            MAX_EDITS + 11
        );
    }
}
