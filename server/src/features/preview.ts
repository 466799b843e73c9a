// A page's lead as plain text, for hover previews: links shown as their text, refs, images,
// comments, tags and variant markup dropped, only the first paragraph of prose.
import type { ParsedPage, Span } from '../parse';

const PREVIEW_LENGTH = 300;

export function leadText(text: string, parsed: ParsedPage): string {
  const end = Math.min(parsed.headings[0]?.start ?? parsed.parsedLength, parsed.parsedLength);
  const replacements: (Span & { with: string })[] = [];
  for (const l of parsed.links) {
    if (l.end > end) break;
    replacements.push({ start: l.start, end: l.end, with: l.kind === 'image' ? '' : l.text });
  }
  for (const s of [...parsed.footnoteRefs, ...parsed.comments, ...parsed.variantMarkup, ...parsed.emptyParens, ...parsed.tables]) {
    if (s.end <= end) replacements.push({ ...s, with: '' });
  }
  replacements.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const r of replacements) {
    if (r.start < at) continue; // nested inside one already replaced
    out += text.slice(at, r.start) + r.with;
    at = r.end;
  }
  out += text.slice(at, end);
  const paragraph = out
    .split(/\r?\n[ \t]*\r?\n/)
    .map((p) => p.replace(/<[^>]*>/g, '').replace(/\*\*|__/g, '').replace(/\s*\n\s*/g, ' ').trim())
    .find((p) => p !== '' && !p.startsWith('>') && !p.startsWith('|'));
  if (!paragraph) return '';
  const chars = [...paragraph];
  return chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH).join('')}…` : paragraph;
}

/** Escapes text for a markdown hover, so that page text can never become markup, HTML or a link. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&:]/g, (c) => `\\${c}`);
}
