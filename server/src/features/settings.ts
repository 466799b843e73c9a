// The user's settings (`wikiMarkdown.*`), read defensively: unknown values fall back to defaults.
import { DiagnosticSeverity } from 'vscode-languageserver';
import { WIKI_LANGUAGES, type WikiLanguage } from '../workspace/language';
import type { WorkspaceOptions } from '../workspace/workspace';

export const DIAGNOSTIC_CODES = [
  'missing-page', 'variant-title', 'link-trail', 'link-trail-guess', 'wiki-page-exists', 'empty-parens', 'footnote', 'outside-workspace',
  'page-truncated',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];
export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

export const DEFAULT_SEVERITIES: Record<DiagnosticCode, SeverityName> = {
  'missing-page': 'warning',
  'variant-title': 'information',
  'link-trail': 'warning',
  'link-trail-guess': 'information',
  'wiki-page-exists': 'hint',
  'empty-parens': 'information',
  footnote: 'information',
  'outside-workspace': 'error',
  'page-truncated': 'information',
};

export interface Settings {
  severities: Record<DiagnosticCode, SeverityName>;
  pageFolders: string[];
  maxPageSize: number;
  /** Rename also rewrites `wiki` links naming the page. */
  renameWikiLinks: boolean;
  /** "N pages link here" above each page. */
  backlinkLens: boolean;
  /** Milliseconds of quiet after an edit before the page is checked again. */
  diagnosticsDelay: number;
  /** The wiki's content language (its link-trail rule); `auto` reads it off each page's wiki links. */
  language: WikiLanguage | 'auto';
  /** Count every page's problems after indexing, for the status bar (on worker threads). */
  countProblems: boolean;
  /** Fix all in workspace: up to this many pages a preview, past it the fixes written to the files once the user agrees. */
  maxPreviewPages: number;
}

export const DEFAULT_SETTINGS: Settings = {
  severities: DEFAULT_SEVERITIES,
  pageFolders: ['**/Page'],
  maxPageSize: 2_000_000,
  renameWikiLinks: false,
  backlinkLens: true,
  diagnosticsDelay: 150,
  language: 'auto',
  countProblems: true,
  maxPreviewPages: 1000,
};

const SEVERITY_NAMES = new Set<string>(['error', 'warning', 'information', 'hint', 'off']);

/** Reads a `wikiMarkdown` settings object; returns the settings and a message for each value ignored. */
export function readSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const severities = { ...DEFAULT_SEVERITIES };
  const diagnostics = (input.diagnostics && typeof input.diagnostics === 'object' ? input.diagnostics : {}) as Record<string, unknown>;
  for (const [code, value] of Object.entries(diagnostics)) {
    if (!(code in severities)) problems.push(`unknown setting wikiMarkdown.diagnostics.${code} ignored`);
    else if (typeof value !== 'string' || !SEVERITY_NAMES.has(value)) problems.push(`wikiMarkdown.diagnostics.${code}: "${String(value)}" is not error|warning|information|hint|off; using ${severities[code as DiagnosticCode]}`);
    else severities[code as DiagnosticCode] = value as SeverityName;
  }
  let pageFolders = DEFAULT_SETTINGS.pageFolders;
  if (input.pageFolders !== undefined) {
    if (Array.isArray(input.pageFolders) && input.pageFolders.every((g) => typeof g === 'string' && g !== '')) pageFolders = input.pageFolders as string[];
    else problems.push('wikiMarkdown.pageFolders must be a list of globs; using **/Page');
  }
  const number = (name: string, value: unknown, min: number, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min) return value;
    problems.push(`wikiMarkdown.${name} must be a number of at least ${min}; using ${fallback}`);
    return fallback;
  };
  const maxPageSize = number('maxPageSize', input.maxPageSize, 1, DEFAULT_SETTINGS.maxPageSize);
  const diagnosticsDelay = number('diagnosticsDelay', input.diagnosticsDelay, 0, DEFAULT_SETTINGS.diagnosticsDelay);
  const inGroup = (section: string, key: string): unknown => {
    const group = input[section];
    return group && typeof group === 'object' ? (group as Record<string, unknown>)[key] : undefined;
  };
  const flag = (section: string, key: string, fallback: boolean): boolean => {
    const value = inGroup(section, key);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    problems.push(`wikiMarkdown.${section}.${key} must be true or false; using ${fallback}`);
    return fallback;
  };
  let language = DEFAULT_SETTINGS.language;
  if (input.language !== undefined) {
    if (input.language === 'auto' || (WIKI_LANGUAGES as readonly unknown[]).includes(input.language)) language = input.language as Settings['language'];
    else problems.push(`wikiMarkdown.language: "${String(input.language)}" is not auto|${WIKI_LANGUAGES.join('|')}; using auto`);
  }
  const renameWikiLinks = flag('rename', 'updateWikiLinks', DEFAULT_SETTINGS.renameWikiLinks);
  const backlinkLens = flag('codeLens', 'backlinks', DEFAULT_SETTINGS.backlinkLens);
  const countProblems = flag('statusBar', 'countProblems', DEFAULT_SETTINGS.countProblems);
  const maxPreviewPages = number('fixAll.maxPreviewPages', inGroup('fixAll', 'maxPreviewPages'), 0, DEFAULT_SETTINGS.maxPreviewPages);
  return { settings: { severities, pageFolders, maxPageSize, renameWikiLinks, backlinkLens, diagnosticsDelay, language, countProblems, maxPreviewPages }, problems };
}

export function lspSeverity(name: SeverityName): DiagnosticSeverity | undefined {
  switch (name) {
    case 'error': return DiagnosticSeverity.Error;
    case 'warning': return DiagnosticSeverity.Warning;
    case 'information': return DiagnosticSeverity.Information;
    case 'hint': return DiagnosticSeverity.Hint;
    case 'off': return undefined;
  }
}

/** What the workspace takes from the settings. */
export function workspaceOptions(settings: Settings): WorkspaceOptions {
  return { pageFolders: settings.pageFolders, maxFileBytes: settings.maxPageSize * 4, language: settings.language };
}
