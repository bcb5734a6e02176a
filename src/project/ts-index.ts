import { createRequire } from 'node:module';
import type { ts } from 'ts-morph';
import { displayPath } from './paths.js';

// What the fingerprinter knows of one source file: its bindings, exports and effect statements, read with the
// TypeScript API that ts-morph bundles. The API is passed in (tsIndexer(ts)), not read from a module global.

// ts-morph (with its bundled TypeScript) takes ~0.3 s to load: load it on first use, not whenever ballot is imported
// (every apply worker imports ballot through the user's LF files).
export type TsMorph = typeof import('ts-morph');
export type TsApi = TsMorph['ts'];
let morph: TsMorph | undefined;
export function loadTsMorph(): TsMorph {
  morph ??= createRequire(import.meta.url)('ts-morph') as TsMorph;
  return morph;
}

export type Binding = { kind: 'decl'; node: ts.Node } | { kind: 'import'; module: string; imported: string }; // imported: a name, 'default' or '*'

export type ExportTarget = { kind: 'local'; name: string } | { kind: 'node'; node: ts.Node } | { kind: 'reexport'; module: string; imported: string };

export interface FileInfo {
  path: string;
  sf: ts.SourceFile;
  bindings: Map<string, Binding>;
  exports: Map<string, ExportTarget>;
  starExports: string[];
  /** Top-level statements that run for their effect (loops, calls, assignments). */
  effects: ts.Node[];
}

/** A piece of code that goes into a fingerprint: a declaration node, a whole JSON file, or an external package. */
export type Unit =
  | { kind: 'node'; file: FileInfo; node: ts.Node }
  | { kind: 'file'; file: FileInfo }
  | { kind: 'json'; path: string }
  | { kind: 'external'; id: string };

/** The file-indexing helpers, closed over one TypeScript API. */
export function tsIndexer(T: TsApi) {
  function indexFile(path: string, sf: ts.SourceFile): FileInfo {
    const bindings = new Map<string, Binding>();
    const exports = new Map<string, ExportTarget>();
    const starExports: string[] = [];
    const effects: ts.Node[] = [];
    const isExported = (s: ts.Node) => (T.canHaveModifiers(s) ? (T.getModifiers(s) ?? []) : []).some((m) => m.kind === T.SyntaxKind.ExportKeyword);
    const isDefault = (s: ts.Node) => (T.canHaveModifiers(s) ? (T.getModifiers(s) ?? []) : []).some((m) => m.kind === T.SyntaxKind.DefaultKeyword);

    for (const s of sf.statements) {
      if (T.isImportDeclaration(s)) {
        const clause = s.importClause;
        if (!clause || clause.isTypeOnly || !T.isStringLiteral(s.moduleSpecifier)) continue;
        const module = s.moduleSpecifier.text;
        if (clause.name) bindings.set(clause.name.text, { kind: 'import', module, imported: 'default' });
        const nb = clause.namedBindings;
        if (nb && T.isNamespaceImport(nb)) bindings.set(nb.name.text, { kind: 'import', module, imported: '*' });
        if (nb && T.isNamedImports(nb)) {
          for (const el of nb.elements) {
            if (el.isTypeOnly) continue;
            bindings.set(el.name.text, { kind: 'import', module, imported: (el.propertyName ?? el.name).text });
          }
        }
      } else if (T.isFunctionDeclaration(s) || T.isClassDeclaration(s) || T.isEnumDeclaration(s) || T.isModuleDeclaration(s)) {
        if (T.isFunctionDeclaration(s) && !s.body) continue; // overload signature
        const name = s.name && T.isIdentifier(s.name) ? s.name.text : undefined;
        if (name) bindings.set(name, { kind: 'decl', node: s });
        if (isExported(s)) {
          if (isDefault(s)) exports.set('default', { kind: 'node', node: s });
          else if (name) exports.set(name, { kind: 'local', name });
        }
      } else if (T.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          for (const name of bindingNames(d.name)) {
            bindings.set(name, { kind: 'decl', node: d });
            if (isExported(s)) exports.set(name, { kind: 'local', name });
          }
        }
      } else if (T.isExportAssignment(s)) {
        if (!s.isExportEquals) exports.set('default', { kind: 'node', node: s });
      } else if (T.isExportDeclaration(s)) {
        if (s.isTypeOnly) continue;
        const module = s.moduleSpecifier && T.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
        const clause = s.exportClause;
        if (!clause) {
          if (module) starExports.push(module);
        } else if (T.isNamespaceExport(clause)) {
          if (module) exports.set(clause.name.text, { kind: 'reexport', module, imported: '*' });
        } else {
          for (const el of clause.elements) {
            if (el.isTypeOnly) continue;
            const local = (el.propertyName ?? el.name).text;
            exports.set(el.name.text, module ? { kind: 'reexport', module, imported: local } : { kind: 'local', name: local });
          }
        }
      } else if (T.isTypeAliasDeclaration(s) || T.isInterfaceDeclaration(s) || T.isImportEqualsDeclaration(s)) {
      } else {
        effects.push(s);
      }
    }
    return { path, sf, bindings, exports, starExports, effects };
  }

  function bindingNames(name: ts.BindingName): string[] {
    if (T.isIdentifier(name)) return [name.text];
    const out: string[] = [];
    for (const el of name.elements) if (!T.isOmittedExpression(el)) out.push(...bindingNames(el.name));
    return out;
  }

  /** Names a node reads: identifiers outside property names and type positions (those never reach run time). */
  function references(node: ts.Node): Set<string> {
    const out = new Set<string>();
    const walk = (n: ts.Node) => {
      if (T.isTypeNode(n) && !T.isExpressionWithTypeArguments(n)) return;
      if (T.isInterfaceDeclaration(n) || T.isTypeAliasDeclaration(n)) return;
      if (T.isIdentifier(n)) {
        const p = n.parent;
        const isName =
          p !== undefined &&
          ((T.isPropertyAccessExpression(p) && p.name === n) ||
            (T.isPropertyAssignment(p) && p.name === n) ||
            ((T.isMethodDeclaration(p) || T.isPropertyDeclaration(p) || T.isGetAccessor(p) || T.isSetAccessor(p)) && p.name === n) ||
            (T.isQualifiedName(p) && p.right === n));
        if (!isName) out.add(n.text);
        return;
      }
      T.forEachChild(n, walk);
    };
    walk(node);
    return out;
  }

  /** Code whose behaviour the source text cannot describe: eval, new Function, import() of a computed path. */
  function dynamicCode(node: ts.Node, sf: ts.SourceFile): string[] {
    const out: string[] = [];
    const walk = (n: ts.Node) => {
      if (T.isCallExpression(n)) {
        if (n.expression.kind === T.SyntaxKind.ImportKeyword) {
          const arg = n.arguments[0];
          out.push(
            arg && T.isStringLiteralLike(arg)
              ? `line ${lineOf(sf, n)} imports "${arg.text}" dynamically`
              : `line ${lineOf(sf, n)} imports a computed module path`,
          );
        } else if (T.isIdentifier(n.expression) && n.expression.text === 'eval') out.push(`line ${lineOf(sf, n)} calls eval()`);
      } else if (T.isNewExpression(n) && T.isIdentifier(n.expression) && n.expression.text === 'Function') {
        out.push(`line ${lineOf(sf, n)} builds code with new Function()`);
      }
      T.forEachChild(n, walk);
    };
    walk(node);
    return out.map((p) => `${displayPath(sf.fileName)}: ${p}`);
  }

  /** Element `index` of an array literal initializer (through `as const`, `satisfies`, parentheses), if it is plain. */
  function arrayElement(node: ts.Node, index: number): ts.Node | undefined {
    let init: ts.Node | undefined = T.isVariableDeclaration(node) ? node.initializer : T.isExportAssignment(node) ? node.expression : undefined;
    while (
      init &&
      (T.isAsExpression(init) || T.isSatisfiesExpression(init) || T.isParenthesizedExpression(init) || T.isTypeAssertionExpression(init))
    ) {
      init = init.expression;
    }
    if (!init || !T.isArrayLiteralExpression(init)) return undefined;
    if (init.elements.some((e) => T.isSpreadElement(e) || T.isOmittedExpression(e))) return undefined;
    return init.elements[index];
  }

  function declaredName(node: ts.Node): string | undefined {
    return T.isVariableDeclaration(node) && T.isIdentifier(node.name) ? node.name.text : undefined;
  }

  function nodeKey(info: FileInfo, node: ts.Node): string {
    return `${info.path}:${node.pos}:${node.end}`;
  }

  function where(info: FileInfo, node: ts.Node): string {
    return `${displayPath(info.path)}:${lineOf(info.sf, node)}`;
  }

  function lineOf(sf: ts.SourceFile, node: ts.Node): number {
    const target = T.isVariableDeclaration(node) ? node.name : node;
    return sf.getLineAndCharacterOfPosition(target.getStart(sf)).line + 1;
  }

  /** The JSDoc of a declaration (for a variable, the one on its statement), or a `/** *\/` comment right before an element. */
  function docOf(sf: ts.SourceFile, node: ts.Node): string | undefined {
    const host = T.isVariableDeclaration(node) ? node.parent.parent : node;
    const ranges = T.getLeadingCommentRanges(sf.text, host.pos) ?? [];
    const docs = ranges.filter((r) => sf.text.startsWith('/**', r.pos)).map((r) => cleanDoc(sf.text.slice(r.pos, r.end)));
    const doc = docs[docs.length - 1];
    return doc ? doc : undefined;
  }

  function cleanDoc(comment: string): string {
    return comment
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, '').trimEnd())
      .join('\n')
      .trim();
  }

  return { indexFile, references, dynamicCode, arrayElement, declaredName, nodeKey, where, lineOf, docOf };
}

export type TsIndexer = ReturnType<typeof tsIndexer>;
