//! A small dependency graph over named nodes: order, cycles, ancestors and descendants.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};

/// Nodes `0..n` with their predecessors (`deps[i]`: the nodes `i` waits for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Graph {
    names: Vec<String>,
    index: BTreeMap<String, usize>,
    deps: Vec<Vec<usize>>,
    succs: Vec<Vec<usize>>,
}

impl Graph {
    /// Build from `(id, depends_on)` pairs.
    ///
    /// Errors: [`Error::Duplicate`] for an id given twice, [`Error::Unknown`] for a
    /// dependency on an id not given, [`Error::DependencyCycle`] for a cycle.
    pub(crate) fn new<'a>(
        kind: &'static str,
        nodes: impl IntoIterator<Item = (&'a str, &'a [String])>,
    ) -> Result<Graph> {
        let nodes: Vec<(&str, &[String])> = nodes.into_iter().collect();
        let mut index = BTreeMap::new();
        let mut names = Vec::with_capacity(nodes.len());
        for (i, (id, _)) in nodes.iter().enumerate() {
            if index.insert((*id).to_owned(), i).is_some() {
                return Err(Error::Duplicate {
                    kind,
                    id: (*id).to_owned(),
                });
            }
            names.push((*id).to_owned());
        }
        let mut deps = Vec::with_capacity(nodes.len());
        let mut succs = vec![Vec::new(); nodes.len()];
        for (i, (id, ds)) in nodes.iter().enumerate() {
            let mut row = Vec::with_capacity(ds.len());
            for d in ds.iter() {
                let j = *index.get(d.as_str()).ok_or_else(|| Error::Unknown {
                    kind,
                    id: format!("{d} (a dependency of {id})"),
                })?;
                if !row.contains(&j) {
                    row.push(j);
                    if let Some(s) = succs.get_mut(j) {
                        s.push(i);
                    }
                }
            }
            deps.push(row);
        }
        let graph = Graph {
            names,
            index,
            deps,
            succs,
        };
        graph.order()?;
        Ok(graph)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    pub(crate) fn deps(&self, i: usize) -> &[usize] {
        self.deps.get(i).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn succs(&self, i: usize) -> &[usize] {
        self.succs.get(i).map_or(&[], Vec::as_slice)
    }

    /// A topological order (dependencies first), ties broken by input order.
    pub(crate) fn order(&self) -> Result<Vec<usize>> {
        let n = self.names.len();
        let mut waiting: Vec<usize> = (0..n).map(|i| self.deps(i).len()).collect();
        let mut ready: BTreeSet<usize> = (0..n).filter(|i| waiting.get(*i) == Some(&0)).collect();
        let mut out = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            out.push(i);
            for &s in self.succs(i) {
                if let Some(w) = waiting.get_mut(s) {
                    *w -= 1;
                    if *w == 0 {
                        ready.insert(s);
                    }
                }
            }
        }
        if out.len() == n {
            return Ok(out);
        }
        // Walk dependencies among the nodes left until one repeats: that loop is a cycle.
        let left: BTreeSet<usize> = (0..n).filter(|i| waiting.get(*i) != Some(&0)).collect();
        let mut path: Vec<usize> = Vec::new();
        let mut current = left.first().copied().unwrap_or(0);
        loop {
            if let Some(pos) = path.iter().position(|p| *p == current) {
                let mut cycle: Vec<String> = path
                    .iter()
                    .skip(pos)
                    .map(|i| self.name(*i).to_owned())
                    .collect();
                cycle.push(self.name(current).to_owned());
                return Err(Error::DependencyCycle { cycle });
            }
            path.push(current);
            match self.deps(current).iter().find(|d| left.contains(d)) {
                Some(next) => current = *next,
                None => {
                    return Err(Error::DependencyCycle {
                        cycle: path.iter().map(|i| self.name(*i).to_owned()).collect(),
                    });
                }
            }
        }
    }

    /// Every node `i` depends on, directly or not.
    pub(crate) fn ancestors(&self, i: usize) -> BTreeSet<usize> {
        self.reach(i, |g, n| g.deps(n))
    }

    /// Every node that depends on `i`, directly or not.
    pub(crate) fn descendants(&self, i: usize) -> BTreeSet<usize> {
        self.reach(i, |g, n| g.succs(n))
    }

    fn reach(&self, i: usize, next: impl Fn(&Graph, usize) -> &[usize]) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![i];
        while let Some(n) = stack.pop() {
            for &m in next(self, n) {
                if seen.insert(m) {
                    stack.push(m);
                }
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(nodes: &[(&str, &[&str])]) -> Result<Graph> {
        let owned: Vec<(String, Vec<String>)> = nodes
            .iter()
            .map(|(n, d)| ((*n).to_owned(), d.iter().map(|s| (*s).to_owned()).collect()))
            .collect();
        Graph::new(
            "step",
            owned.iter().map(|(n, d)| (n.as_str(), d.as_slice())),
        )
    }

    #[test]
    fn orders_dependencies_first_and_reports_cycles() {
        let graph = g(&[("c", &["b"]), ("a", &[]), ("b", &["a"])]).unwrap();
        let order: Vec<&str> = graph
            .order()
            .unwrap()
            .into_iter()
            .map(|i| graph.name(i))
            .collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert_eq!(graph.ancestors(0).len(), 2);
        assert_eq!(graph.descendants(1).len(), 2);
        let err = g(&[("a", &["c"]), ("b", &["a"]), ("c", &["b"]), ("d", &[])]).unwrap_err();
        assert_eq!(
            err,
            Error::DependencyCycle {
                cycle: vec!["a".into(), "c".into(), "b".into(), "a".into()]
            }
        );
        assert!(err.to_string().contains("a -> c -> b -> a"), "{err}");
        let self_loop = g(&[("a", &["a"])]).unwrap_err();
        assert!(matches!(self_loop, Error::DependencyCycle { .. }));
        assert!(matches!(g(&[("a", &["z"])]), Err(Error::Unknown { .. })));
        assert!(matches!(
            g(&[("a", &[]), ("a", &[])]),
            Err(Error::Duplicate { .. })
        ));
    }
}
