// A local ESLint rule: no file imports itself through others, type-only imports included (a type
// cycle still ties two layers' files together, and eslint-plugin-import-x's no-cycle skips them).
// The import graph is read with TypeScript's own pre-processor (fast: no type checking) and cached for
// the lint run; each file is reported with one cycle through it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const edgesOf = new Map();

function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && /\.tsx?$/.test(candidate)) return candidate;
  }
  return null;
}

function edges(file) {
  let out = edgesOf.get(file);
  if (!out) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    out = [...new Set(info.importedFiles.map((f) => resolve(file, f.fileName)).filter(Boolean))];
    edgesOf.set(file, out);
  }
  return out;
}

/** A path file → … → file, or null. */
function cycleThrough(file) {
  const seen = new Set();
  const stack = [];
  const visit = (node) => {
    for (const next of edges(node)) {
      if (next === file) return [...stack, next];
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
      const found = visit(next);
      if (found) return found;
      stack.pop();
    }
    return null;
  };
  return visit(file);
}

export default {
  meta: { type: 'problem', docs: { description: 'no import cycles, type-only imports included' }, schema: [] },
  create(context) {
    return {
      Program(node) {
        const file = context.filename;
        const cycle = cycleThrough(file);
        if (!cycle) return;
        const root = context.cwd;
        const chain = [file, ...cycle].map((f) => path.relative(root, f)).join(' → ');
        context.report({ node, message: `导入成环:${chain}` });
      },
    };
  },
};
