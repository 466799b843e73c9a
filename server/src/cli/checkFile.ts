// One page through the checks (and fixes) of `wikimd check`: the same diagnostics and fixes as
// the language server. Runs on the main thread or in a worker.
import { pathToFileURL } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LookupLog } from '../workspace/pageIndex';
import { decodePage, type Workspace } from '../workspace/workspace';
import type { PageStamp } from '../workspace/linkGraph';
import { decodeRows, encodeLookups, encodeRows, lookedUpChanged, pageDigest, readBlock, type KnownFindings, type PageFindings } from './findingsCache';
import { findProblems, toDiagnostics } from '../features/diagnostics';
import { applyEdits, fixAllEdits } from '../features/fixes';
import { pageContext, textEdits } from '../features/page';
import type { DiagnosticCode, Settings } from '../features/settings';

export interface Row {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
  message: string;
}

export interface FileResult {
  file: string;
  rows: Row[];
  /** Why the page was skipped or not fixed. */
  problem?: string;
  /** Edits applied (or, with `fixTo` 'diff' or 'edits', that would be). */
  fixed: number;
  /** With `fixTo` 'diff': the unified diff of the fixes. */
  diff?: string;
  /** With `fixTo` 'edits': the fixes as edits of the page's text. */
  edits?: TextEdit[];
  /** With `keepFindings`: the page's findings as the next run takes them (not for a page skipped or fixed). */
  findings?: PageFindings;
  /** The rows are the last run's, the page being unchanged: by its file's time and size ('stamp', not read), or by its text ('text'). */
  reused?: 'stamp' | 'text';
}

export interface CheckOptions {
  settings: Settings;
  fix?: readonly DiagnosticCode[];
  /** What becomes of the fixes: written to the page ('write', the default), shown as a unified diff ('diff'), or handed back as edits ('edits'). */
  fixTo?: 'write' | 'diff' | 'edits';
  /** Whether the page's rows are made (the default); the server's fix-all wants only the fixes. */
  rows?: boolean;
  /** Paths in diffs are shown relative to this folder. */
  displayPath: (file: string) => string;
  /** The last run's findings file, made with these options by this checker (`--cache`). */
  previousFindings?: string;
  /** The lookup keys whose answers changed since the last run (sorted): findings that looked one up are made again. */
  changedLookups?: Uint32Array;
  /** Give each result the page's findings for the next run (`--cache`, not with `fix`). */
  keepFindings?: boolean;
}

const SEVERITIES = ['error', 'error', 'warning', 'information', 'hint'] as const;

/** Whether the last page's stamp had changed: the next one is opened at once rather than looked at with `stat` first (this thread's pages). */
let openFirst = false;

/** Checks a page; `known`, what the last run kept of it, spares the check when the page's text is unchanged. */
export async function checkFile(workspace: Workspace, file: string, options: CheckOptions, known?: KnownFindings): Promise<FileResult> {
  const previous = known && options.previousFindings;
  // The same time and size: the same text, without reading it (as the persisted link graph assumes).
  // Looked at with `stat` until a page's stamp has changed (a fresh checkout changes every one):
  // then taken from the open file, which is read only if it changed too, until one has not.
  let read: Awaited<ReturnType<Workspace['readPage']>> | undefined;
  if (previous) {
    read = openFirst ? await workspace.readPage(file, known) : undefined;
    const unchanged = read === 'unchanged' || (read === undefined && (await workspace.hasStamp(file, known)));
    openFirst = !unchanged;
    if (unchanged) {
      const kept = keptFindings(file, previous, known, known, 'stamp', options.changedLookups);
      if (kept) return kept;
    }
  }
  if (read === undefined || read === 'unchanged') read = await workspace.readPage(file);
  if ('error' in read) return { file, rows: [], problem: read.error, fixed: 0 };
  const digest = options.keepFindings ? pageDigest(read.bytes) : undefined;
  // Another time (a fresh checkout, a touched file) but the same bytes: not even decoded.
  if (previous && digest === known.digest) {
    const kept = keptFindings(file, previous, known, read.stamp, 'text', options.changedLookups);
    if (kept) return kept;
  }
  const { text, complete } = decodePage(read);
  const uri = pathToFileURL(file).href;
  let page = pageContext(TextDocument.create(uri, 'markdown', 0, text), file, options.settings.maxPageSize);
  const result: FileResult = { file, rows: [], fixed: 0 };

  if (options.fix?.length) {
    const edits = fixAllEdits(page, workspace, new Set(options.fix));
    if (edits.length && !complete) {
      result.problem = `not fixed: ${file} is larger than the size limit or is not valid UTF-8`;
    } else if (edits.length && options.fixTo === 'edits') {
      result.edits = textEdits(page.document, edits);
      result.fixed = edits.length;
    } else if (edits.length) {
      const fixedText = applyEdits(text, edits);
      const shown = options.displayPath(file);
      if (options.fixTo === 'diff') {
        result.diff = createTwoFilesPatch(`a/${shown}`, `b/${shown}`, text, fixedText, undefined, undefined, { context: 3 });
        result.fixed = edits.length;
      } else {
        const failed = await workspace.writeText(file, fixedText);
        if (failed) result.problem = failed.error;
        else {
          result.fixed = edits.length;
          // The rows are the fixed page's.
          if (options.rows !== false) page = pageContext(TextDocument.create(uri, 'markdown', 1, fixedText), file, options.settings.maxPageSize);
        }
      }
    }
  }

  if (options.rows === false) return result;
  // What the checks look up, for the next run to tell whether the index still answers the same.
  const lookups = digest === undefined ? undefined : new LookupLog();
  workspace.index.lookupLog = lookups;
  let found;
  try {
    found = findProblems(page, workspace);
  } finally {
    workspace.index.lookupLog = undefined;
  }
  for (const d of toDiagnostics(page, found, options.settings)) {
    result.rows.push({
      line: d.range.start.line + 1, column: d.range.start.character + 1,
      endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1,
      severity: SEVERITIES[d.severity ?? 1], code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value,
    });
  }
  if (lookups && digest !== undefined && !result.problem && !result.fixed) {
    result.findings = { ...read.stamp, digest, block: encodeRows(result.rows), lookups: lookups.everything ? undefined : encodeLookups(lookups.keys) };
  }
  return result;
}

/**
 * The last run's result for a page whose text is unchanged, undefined when its block does not check
 * out or an answer it looked up in the index has changed.
 */
function keptFindings(
  file: string, previousFile: string, known: KnownFindings, stamp: PageStamp, reused: 'stamp' | 'text', changedLookups?: Uint32Array,
): FileResult | undefined {
  const kept = readBlock(previousFile, known);
  const rows = kept && !lookedUpChanged(kept.lookups, changedLookups) ? decodeRows(kept.block) : undefined;
  if (!kept || !rows) return undefined;
  return { file, rows, fixed: 0, reused, findings: { mtimeMs: stamp.mtimeMs, size: stamp.size, digest: known.digest, ...kept } };
}
