// The checks of one page. Findings carry document offsets; `toDiagnostics` turns them into LSP
// diagnostics with the user's severities. The CLI and the server share both.
import type { Diagnostic } from 'vscode-languageserver';
import type { LinkNode } from '../parse';
import type { Resolution, Workspace } from '../workspace/workspace';
import { findLinkTrail, pageTrailContexts, type TrailContext } from './linkTrail';
import { spanRange, type PageContext } from './page';
import { lspSeverity, type DiagnosticCode, type Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'wiki-markdown';

export interface Finding {
  code: DiagnosticCode;
  start: number;
  end: number;
  message: string;
}

export function findProblems(page: PageContext, workspace: Workspace): Finding[] {
  const findings: Finding[] = [];
  const source = page.document.getText();
  const links = page.parsed.links;
  const resolutions = links.map((link) => workspace.resolve(link, page.file));
  const trailContext = pageTrailContexts(page, workspace, resolutions);
  for (let i = 0; i < links.length; i++) linkProblems(source, links[i], resolutions[i], trailContext(i), findings);
  for (const parens of page.parsed.emptyParens) {
    findings.push({ start: parens.start, end: parens.end, code: 'empty-parens', message: `Empty parentheses ${source.slice(parens.start, parens.end)} left by a dropped template` });
  }
  footnoteProblems(page, findings);
  if (page.parsed.parsedLength < source.length) {
    const end = source.length;
    findings.push({
      code: 'page-truncated', start: page.parsed.parsedLength, end,
      message: `Only the first ${page.parsed.parsedLength} characters of this page were checked (wikiMarkdown.maxPageSize); the remaining ${end - page.parsed.parsedLength} were skipped`,
    });
  }
  return findings.sort((a, b) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Adds a link's findings to `out`: nothing is allocated for a link without any. */
function linkProblems(source: string, link: LinkNode, resolution: Resolution, trailContext: TrailContext, out: Finding[]): void {
  const { start, end } = link;
  const title = link.target?.title ?? '';
  if (resolution.state === 'outside') {
    out.push({ start, end, code: 'outside-workspace', message: `Link points outside the workspace folders: ${resolution.path}` });
    return;
  }
  if (link.kind === 'local') {
    if (resolution.state === 'missing') out.push({ start, end, code: 'missing-page', message: `Page "${title}" is not in the corpus, not even as a Traditional/Simplified variant` });
    else if (resolution.state === 'exists' && resolution.match === 'variant') {
      out.push({ start, end, code: 'variant-title', message: `"${title}" is in the corpus only as its variant "${resolution.page.title}"` });
    }
  }
  if (link.kind === 'wiki' && resolution.state === 'exists') {
    out.push({ start, end, code: 'wiki-page-exists', message: `"${resolution.page.title}" is in the corpus: this can be a local link` });
  }
  const trail = findLinkTrail(source, link, resolution.state === 'exists' ? resolution.page.title : undefined, trailContext);
  if (trail?.sure) out.push({ start, end, code: 'link-trail', message: `pandoc swallowed "${trail.text}" into the link to "${title}"` });
  else if (trail) out.push({ start, end, code: 'link-trail-guess', message: `pandoc may have swallowed "${trail.text}" into the link to "${title}" (a guess: the label may end elsewhere)` });
}

function footnoteProblems(page: PageContext, out: Finding[]): void {
  const { footnoteRefs, footnoteNotes } = page.parsed;
  if (!footnoteRefs.length && !footnoteNotes.length) return;
  const notes = new Set(footnoteNotes.map((n) => `${n.style === 'gfm' ? 'gfm' : 'escaped'}:${n.label}`));
  for (const ref of footnoteRefs) {
    if (!notes.has(`${ref.style}:${ref.label}`)) {
      out.push({ start: ref.start, end: ref.end, code: 'footnote', message: `Reference [${ref.label}] has no note ${ref.label}` });
    }
  }
  for (const note of footnoteNotes) {
    if (note.empty) out.push({ start: note.start, end: note.end, code: 'footnote', message: `Note ${note.label} is empty (its citation template was dropped)` });
  }
}

export function toDiagnostics(page: PageContext, findings: readonly Finding[], settings: Settings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const severity = lspSeverity(settings.severities[f.code]);
    if (severity === undefined) continue;
    out.push({
      range: spanRange(page.document, f),
      severity,
      code: f.code,
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
    });
  }
  return out;
}
