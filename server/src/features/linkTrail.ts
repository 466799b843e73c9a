// The link trail: letters after `]]` that pandoc swallowed into a link's text. pandoc's reader
// takes every letter after `]]` into the link; MediaWiki links only those its content language's
// `$linkTrail` matches: none for zh (MessagesZh_hans.php: `/^()(.*)$/sD`), ASCII lower-case letters
// for ja and ko (no rule of their own, so English's `[a-z]+`). Only the difference is an artifact.
//
// The text is label + trail, and the trail is letters only. Where the label ends is known from what
// the corpus says about the target's names: its title (or the part before a `(disambiguator)`),
// its redirects, their variants and the forms a label takes of a name (its stem or end, a last
// name, a formal name, an abbreviation in Latin letters), and the labels other links of the page
// use for it (texts to one target that agree up to a word boundary and then go on differently:
// `西藏地方政府根据`, `西藏地方政府和不丹在`).
// Where nothing known ends the label but the label shares words with the title, the trail is only a
// guess (`sure: false`): reported under a code of its own, never fixed in bulk.
import type { LinkNode } from '../parse';
import { isAsciiPunctuation } from '../parse/inline';
import type { Resolution, Workspace, WorkspaceOptions } from '../workspace/workspace';
import { WIKI_LANGUAGES, type WikiLanguage } from '../workspace/language';
import { hasHan, phraseVariants, variantKey } from '../workspace/variants';
import type { PageContext } from './page';

export interface LinkTrail {
  /** Where the swallowed text starts and ends in the document (the marker ⓦ/Ⓡ stays in the link). */
  start: number;
  end: number;
  /** The swallowed text's meaning (escapes undone). */
  text: string;
  /** Known from the target's names or the page's labels; else a guess from the words the label shares with the title. */
  sure: boolean;
  /** For a guess: the other places the label may end, as trails (document offsets), nearest first. */
  alternatives: { start: number; text: string }[];
}

/** What the page knows about the labels of one link's target. */
export interface TrailContext {
  language: WikiLanguage;
  /** Labels other links of the page use for the same target. */
  labels: readonly string[];
  /** Labels of any target on the page: one that extends a name of this target ends the label (`不丹` → `不丹政府`). */
  pageLabels: readonly string[];
  /** The titles of the redirects to the page found: names of it too (`ISO` → 國際標準化組織). Asked only for a text that is not the title. */
  redirectTitles?: () => readonly string[];
}

const NO_CONTEXT: TrailContext = { language: 'zh', labels: [], pageLabels: [] };
const LETTERS = /^\p{L}+$/u;
const LETTER = /^\p{L}$/u;
const BREAK = '\n';
/** Quick fixes offered for a guess besides its own. */
const MAX_ALTERNATIVES = 3;
/** How far after a title's stem its last character still makes the text a form of the title. */
const STEM_LOOKAHEAD = 3;
/**
 * The shortest end of a name that a label may be: two Han characters of a name of four or more
 * (`抽象代数` → `代数`) or of a person's name of three after a common family name (`金泫雅` → `泫雅`),
 * else three (two Hangul syllables are no word of their own).
 */
const minNamePart = (name: string) => {
  const hanEnd = hasHan(name[name.length - 1]) && hasHan(name[name.length - 2]);
  return hanEnd && (name.length >= 4 || (name.length === 3 && FAMILY_NAMES.includes(name[0]))) ? 2 : 3;
};
/** The commonest one-character family names of China, Taiwan and Korea, in both scripts. */
const FAMILY_NAMES = '王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何林罗羅高郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾萧蕭田董潘袁蔡蒋蔣余于杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯朴權权申柳洪安全裴';
/** MediaWiki's limit on a title's length. */
const MAX_TITLE_BYTES = 255;

export function findLinkTrail(source: string, link: LinkNode, resolvedTitle?: string, context: TrailContext = NO_CONTEXT): LinkTrail | undefined {
  if (!mayHaveTrail(source, link) || textIsTitle(source, link)) return undefined;
  const text = linkText(source, link);
  // A trail runs to the end of the text: one that ends in anything but a letter has none.
  if (text.value.length < 2 || !LETTER.test(characterBefore(text.value, text.value.length))) return undefined;
  const names = targetNames(link.target!.title, resolvedTitle, context.redirectTitles?.(), link.target!.fragment);
  const known = knownLabelEnd(text.value, names, context);
  if (known === null) return undefined;
  const labelEnd = known ?? guessLabelEnd(text.value, names, context.language);
  // A trail is letters only, straight after the label: a line break stands for a space, which ends it.
  const found = labelEnd === undefined ? undefined : artifactStart(text.value, labelEnd, (at) => LETTERS.test(text.value.slice(at)), context.language);
  // Where no known name ends the label, letters that end a name as well are the label's end, not a
  // trail (`[[IP地址|公网IPv4地址]]`); after a whole name they may be (`[[最短路问题]]问题`).
  if (found === undefined || (known === undefined && names.some((name) => endsWithPart(name, text.value, found)))) return undefined;
  const start = text.offsets[found];
  const trail = { start, end: text.offsets[text.value.length], text: text.value.slice(found), sure: known !== undefined, alternatives: [] as LinkTrail['alternatives'] };
  if (!trail.sure) {
    // Where else the label may end, nearest first; only the few offered are sliced (a long text has many).
    const others = new Set<number>();
    const letters = letterTailStart(text.value);
    for (const at of wordBoundaries(text.value, context.language)) {
      const other = at > 0 && at !== labelEnd ? artifactStart(text.value, at, (from) => from >= letters, context.language) : undefined;
      if (other !== undefined && other !== found) others.add(other);
    }
    const distance = (at: number) => Math.abs(text.offsets[at] - start);
    trail.alternatives = [...others].sort((a, b) => distance(a) - distance(b)).slice(0, MAX_ALTERNATIVES)
      .map((at) => ({ start: text.offsets[at], text: text.value.slice(at) }));
  }
  return trail;
}

/**
 * Where the artifact starts when the label ends at `labelEnd`: the letters after it that the wiki
 * would not link. `lettersFrom(at)`: whether the text is letters only from `at` on. Undefined when there is none.
 */
function artifactStart(text: string, labelEnd: number, lettersFrom: (at: number) => boolean, language: WikiLanguage): number | undefined {
  if (labelEnd >= text.length || isLowSurrogate(text.charCodeAt(labelEnd)) || !lettersFrom(labelEnd)) return undefined;
  if (language === 'zh') return labelEnd;
  // The wiki links ASCII lower-case letters too: they are no artifact.
  let start = labelEnd;
  while (start < text.length && isAsciiLower(text.charCodeAt(start))) start++;
  return start < text.length ? start : undefined;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
const isAsciiLower = (c: number) => c >= 0x61 && c <= 0x7a;

/** Most texts are the title as it is: known complete without reading them. */
function textIsTitle(source: string, link: LinkNode): boolean {
  const title = link.target!.title;
  if (!source.startsWith(title, link.textStart)) return false;
  const rest = link.textEnd - link.textStart - title.length;
  return rest === 0 || (rest === 1 && link.marker !== undefined && source[link.textEnd - 1] === link.marker);
}

function mayHaveTrail(source: string, link: LinkNode): boolean {
  if (!link.target || link.target.namespace !== '' || (link.kind !== 'local' && link.kind !== 'wiki')) return false;
  // pandoc writes the links of a table it cannot draw in markdown as `<a>`: plain text inside is read as it stands.
  return link.form === 'markdown' || !/[<&]/.test(source.slice(link.textStart, link.textEnd));
}

/** A link's text as its reader sees it, with the document offset of each character. */
interface LinkText {
  /** Escapes undone, each run of white space with a line break as one BREAK, marker and trailing space dropped. */
  value: string;
  /** offsets[i]: where character i starts in the document; offsets[value.length]: where the text ends. */
  offsets: number[];
}

function linkText(source: string, link: LinkNode): LinkText {
  let end = link.textEnd;
  while (end > link.textStart && isSpace(source.charCodeAt(end - 1))) end--;
  if (link.marker && source[end - 1] === link.marker) end--;
  while (end > link.textStart && isSpace(source.charCodeAt(end - 1))) end--;
  let value = '';
  const offsets: number[] = [];
  for (let i = link.textStart; i < end;) {
    const c = source.charCodeAt(i);
    if (isSpace(c)) {
      let j = i;
      let lineBreak = false;
      for (; j < end && isSpace(source.charCodeAt(j)); j++) if (source[j] === '\n') lineBreak = true;
      if (lineBreak) {
        // pandoc's wrap stands for a space, which a title may or may not have at that point.
        value += BREAK;
        offsets.push(i);
        i = j;
        continue;
      }
    }
    const escaped = c === 0x5c && link.form === 'markdown' && i + 1 < end && isAsciiPunctuation(source.charCodeAt(i + 1));
    value += escaped ? source[i + 1] : source[i];
    offsets.push(i);
    i += escaped ? 2 : 1;
  }
  offsets.push(end);
  return { value, offsets };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Where the label ends: after the longest known name or label the text starts with. Null when the
 * text is exactly a name (nothing was swallowed), undefined when it starts with none.
 */
function knownLabelEnd(text: string, names: readonly string[], context: TrailContext): number | null | undefined {
  let end = -1;
  // A Japanese company's formal name puts its form first (`[[ATLUS|株式会社ATLUS]]的`).
  const lead = LEADING_COMPANY_FORMS.find((form) => text.startsWith(form))?.length ?? 0;
  for (const name of names) {
    const matched = Math.max(matchName(text, name), lead ? matchName(text, name, lead) : -1);
    if (matched === text.length) return null;
    end = Math.max(end, matched);
  }
  // Characters meet in matchName; phrases (`軟體`, `软件`) only through the phrase variants, converted when no name matched.
  const variants = end < 0 ? names.flatMap(phraseVariants) : [];
  for (const variant of variants) {
    const matched = matchName(text, variant);
    if (matched === text.length) return null;
    end = Math.max(end, matched);
  }
  if (end < 0) end = delimitedLabelEnd(text, names);
  if (end < 0) end = namePartLabelEnd(text, [...names, ...variants]);
  if (end < 0) end = latinLabelEnd(text, names);
  if (end < 0) end = shortenedNameLabelEnd(text, names);
  if (end < 0) end = lengthenedNameLabelEnd(text, names);
  if (end > 0) {
    // A country's name goes on with its state form (`[[捷克|捷克共和國]]及`): never a trail of its own.
    end = afterForm(text, STATE_FORMS, end);
    if (end === text.length) return null;
    // A label of another target that extends a name of this one (`不丹` → `不丹政府`) ends it later.
    for (const label of context.pageLabels) if (label.length > end && label.length < text.length && text.startsWith(label)) end = label.length;
    return end;
  }
  for (const label of context.labels) {
    if (!text.startsWith(label)) continue;
    if (label.length === text.length) return null;
    end = Math.max(end, label.length);
  }
  return end > 0 ? end : undefined;
}

/**
 * A label that is part of a Han name: the name without its last character or its company or state
 * form (`[[惠普公司|惠普]]和`), a country's short name (`[[中华人民共和国|中国]]产`), a word of kind
 * (`[[三次站|三次]]方向`, `[[斯拉夫语族|斯拉夫语]]是`, `[[分配律|分配]]給`), or its last characters
 * (`[[洞朗对峙事件|对峙事件]]发生后`, `[[抽象代数|代數]]觀念`; `minNamePart`). Not its beginning, which a
 * label often goes on from in words of its own (`[[波斯尼亚和黑塞哥维那|波斯尼亞黑塞哥維那]]`). -1 when the
 * text starts with no such part.
 */
function namePartLabelEnd(text: string, names: readonly string[]): number {
  let end = -1;
  for (const name of names) {
    // A wiki title has at most 255 bytes; a longer name (a hostile URL) would make this quadratic walk long.
    if (name.length < 3 || name.length > MAX_TITLE_BYTES || name.charCodeAt(name.length - 1) < 0x3400) continue;
    if (end < 2 && isShortStateName(text, name)) end = 2;
    for (let from = 0; from < name.length - 1; from++) {
      let k = 0;
      while (k < text.length && from + k < name.length && sameCharacter(text[k], name[from + k], k === 0)) k++;
      // (The whole name matched is not looked for here: `knownLabelEnd` has taken it.)
      const company = from === 0 && COMPANY_FORMS.has(name.slice(k));
      const state = from === 0 && k >= 2 && STATE_FORMS.some((form) => matchName(name, form, k) === name.length);
      const stem = from === 0 && k >= 2 && (k === name.length - 1 || company || state);
      const suffix = from > 0 && from + k === name.length && k >= minNamePart(name);
      if (k <= end || !(stem || suffix)) continue;
      if (company) {
        // Or with another company form (`[[阿里巴巴公司|阿里巴巴集团]]的`).
        end = afterForm(text, COMPANY_FORMS, k);
        continue;
      }
      // The label goes on in the name's other characters: the name's next one as another form of it
      // (`[[嘉庆帝|嘉庆皇帝]]的`), or, after its end, its beginning (`[[伴随算子|算子伴随运算]]下的`).
      const others = new Set([...(from === 0 ? name.slice(k, k + 1) : name.slice(0, from))].map(variantKey));
      if (!state && [...text.slice(k, k + STEM_LOOKAHEAD)].some((c) => others.has(variantKey(c)))) continue;
      end = k;
    }
  }
  return end;
}

/**
 * A label that is a Han name shortened: the longest beginning of the text whose characters are a
 * name's in order, with some left out between them (`[[2006年黑山独立公民投票|黑山公民投票]]决定独立`,
 * `[[西班牙语美洲|西语美洲]]的`); at least MIN_SHORTENED of them. -1 when there is none. (Latin
 * letters or Hangul syllables of a long name are too easily found in order by chance.)
 */
function shortenedNameLabelEnd(text: string, names: readonly string[]): number {
  if (!hasHan(text[0])) return -1;
  let end = -1;
  for (const name of names) {
    if (name.length > MAX_TITLE_BYTES || !hasHan(name[name.length - 1])) continue;
    let k = 0;
    let first = -1;
    let last = -1;
    for (let at = 0; k < text.length && at < name.length; at++) {
      if (!sameCharacter(text[k], name[at], k === 0)) continue;
      if (k === 0) first = at;
      last = at;
      k++;
    }
    // Characters left out between those kept: a beginning or a part of the name alone is no sure label (`[[塞爾維亞與蒙特內哥羅|塞尔维亚和黑山]]的`).
    if (k >= MIN_SHORTENED && k < text.length && last - first + 1 > k) end = Math.max(end, k);
  }
  return end;
}

/** Fewer characters of a name in order are as often the words after a shorter label. */
const MIN_SHORTENED = 4;

/**
 * A label that is a Han name with a character or two put in (`[[嘉庆帝|嘉庆皇帝]]的`): from its first
 * character to its last, every one of them in order. The whole text may be one
 * (`[[復仇者聯盟：終局之戰|復仇者聯盟4：終局之戰]]`): nothing was swallowed. -1 when there is none.
 */
function lengthenedNameLabelEnd(text: string, names: readonly string[]): number {
  if (!hasHan(text[0])) return -1;
  let end = -1;
  for (const name of names) {
    if (name.length < 3 || name.length > MAX_TITLE_BYTES || !hasHan(name[name.length - 1])) continue;
    let k = 0;
    let at = 0;
    for (; at < text.length && at < name.length + MAX_PUT_IN && k < name.length; at++) {
      if (sameCharacter(text[at], name[k], k === 0)) k++;
      else if (k === 0) break;
    }
    if (k === name.length && at > name.length) end = Math.max(end, at);
  }
  return end;
}
/** At most this many characters put in a name. */
const MAX_PUT_IN = 2;

/**
 * A label in Latin letters followed by Han ones, for a target whose names have no Latin letter: an
 * abbreviation or a name in its own script (`[[互联网名称与数字地址分配机构|ICANN]]宣布`). Where the
 * title has Latin letters, a label that goes on in Han is as often a name of its own
 * (`[[Microsoft Windows|Windows作業系統]]`, `[[J2EE|Java平臺企業版]]`), unless the label abbreviates
 * the title (`abbreviates`: `[[Graphical user interface|GUI]]工具包的`,
 * `[[Shared Source Common Language Infrastructure|Shared source CLI]]可以`) or is its name without
 * an organisation's form (`[[Ecma International|ECMA]]標準規格`).
 * The Han letters are a trail when they are two or more, or one that only ever follows a word
 * (`[[通用中间语言|CLI]]和`; not `[[集成电路卡|IC卡]]`). -1 when the text is not such.
 */
function latinLabelEnd(text: string, names: readonly string[]): number {
  const label = LATIN_LABEL.exec(text)?.[0];
  if (!label || label.replace(/[^A-Za-z]/g, '').length < 2) return -1;
  if (names.some((name) => /[A-Za-z]/.test(name)) && !names.some((name) => abbreviates(label, name))) return -1;
  const han = HAN_RUN.exec(text.slice(label.length))?.[0] ?? '';
  return han.length >= 2 || (han.length === 1 && FOLLOWING_WORDS.includes(han)) ? label.length : -1;
}

/**
 * Whether a Latin label stands for all the words of a name, or of the name without its last word
 * when that is an organisation's form: each of its words, in order, for one word of the name (in
 * any case) or the initials of several.
 */
function abbreviates(label: string, name: string): boolean {
  const words = label.toUpperCase().split(/\s+/).filter(Boolean);
  const nameWords = name.toUpperCase().split(/[\s_-]+/).filter(Boolean);
  // Each (label word, name word) pair is tried once: `AB AB AB…` against a title of them has many ways to match.
  const tried = new Set<number>();
  const covers = (i: number, j: number, end: number): boolean => {
    if (i === words.length) return j === end;
    const key = (i * (nameWords.length + 1) + j) * 2 + (end === nameWords.length ? 1 : 0);
    if (tried.has(key)) return false;
    tried.add(key);
    if (nameWords[j] === words[i] && covers(i + 1, j + 1, end)) return true;
    const n = words[i].length;
    return n >= 2 && j + n <= end && nameWords.slice(j, j + n).every((w, k) => w[0] === words[i][k]) && covers(i + 1, j + n, end);
  };
  return covers(0, 0, nameWords.length) || (nameWords.length > 1 && ORGANISATION_FORMS.has(nameWords[nameWords.length - 1]) && covers(0, 0, nameWords.length - 1));
}

/** What follows an organisation's name in its full name, upper case (`Ecma International`). */
const ORGANISATION_FORMS = new Set(['INTERNATIONAL', 'INC.', 'INC', 'CORPORATION', 'CORP.', 'LTD.', 'LTD', 'LIMITED', 'COMPANY', 'GROUP', 'GMBH', 'AG', 'FOUNDATION']);

const LATIN_LABEL = /^[A-Za-z0-9][A-Za-z0-9.#+\-\s]*[A-Za-z0-9.#+](?=\p{Script=Han})/u;
const HAN_RUN = /^\p{Script=Han}+/u;
/** Characters that begin no name: a trail of one of them is a word after the label (and, of, is, in, with). */
const FOLLOWING_WORDS = '和的是在與与及等或於于為为也被將将由對对從从向';

/** Where the text goes on after the longest of `forms` found at `at` (`at` itself when none is). */
function afterForm(text: string, forms: Iterable<string>, at: number): number {
  let end = at;
  for (const form of forms) end = Math.max(end, matchName(text, form, at));
  return end;
}

/** A country's short name: the first character of its formal name and its last, 国 (`中华人民共和国` → `中国`). */
function isShortStateName(text: string, name: string): boolean {
  return name.length >= 4 && text.length > 2 && variantKey(name[name.length - 1]) === variantKey('国')
    && sameCharacter(text[0], name[0], true) && sameCharacter(text[1], name[name.length - 1], false);
}

/** What comes before a Japanese company's name in its formal name. */
const LEADING_COMPANY_FORMS = ['株式会社', '有限会社', '合同会社'];

/** What follows a company's or a club's name in its formal name (`[[惠普公司|惠普]]和`, `[[长春亚泰足球俱乐部|长春亚泰]]的`). */
const COMPANY_FORMS = new Set(['公司', '有限公司', '股份有限公司', '集团', '集團', '俱乐部', '俱樂部', '足球俱乐部', '足球俱樂部']);

/** What follows a country's name in its formal name: `捷克共和國`, `大不列顛及北愛爾蘭聯合王國`. */
const STATE_FORMS = ['共和国', '联合王国', '王国', '帝国', '公国', '联邦', '酋长国'];

/** Opening marks whose closing mark ends a label that names the target between them (`《申报》`). */
const CLOSING_MARKS: Record<string, string> = { '《': '》', '〈': '〉', '「': '」', '『': '』', '“': '”', '(': ')', '（': '）' };

/**
 * Where a label ends that is delimited: a name of the target between quotation marks or brackets
 * (`[[申报|《申报》]]等地图`), or language-conversion markup, which pandoc leaves as it is
 * (`[[顶级域|-{zh-hant:頂級域名;zh-hans:顶级域}-]]下的`). -1 when the text has neither.
 */
function delimitedLabelEnd(text: string, names: readonly string[]): number {
  if (text.startsWith('-{')) {
    const close = text.indexOf('}-', 2);
    return close < 0 ? -1 : close + 2;
  }
  const closing = CLOSING_MARKS[text[0]];
  if (closing === undefined) return -1;
  const close = text.indexOf(closing, 1);
  if (close < 0) return -1;
  const inner = text.slice(1, close);
  const isName = (name: string) => matchName(inner, name) === inner.length;
  return names.some((name) => isName(name) || phraseVariants(name).some(isName)) ? close + 1 : -1;
}

/**
 * A guess for a piped label: it runs as long as each word has a character of a name
 * (`[[三次站|三次]]方向`, `[[嘉庆帝|嘉庆皇帝]]的`), and at least to the last character that is not a
 * letter, since a trail is letters only (`[[申报|《申报》]]等地图`, `[[…|SARS-CoV-2]]而陷入停滞`).
 */
function guessLabelEnd(text: string, names: readonly string[], language: WikiLanguage): number | undefined {
  let letters = letterTailStart(text);
  // Latin letters after a mark are more often a name going on (`.NET聯合會`, `EC-DSA`) than a trail.
  if (letters < text.length && text.charCodeAt(letters) < 0x80) letters = 0;
  // A label does not end in a separator: the words after one are the label's (`[[蜘蛛人：無家日|蜘蛛俠：不戰無歸]]`).
  if (letters > 0 && SEPARATORS.includes(text[letters - 1])) return undefined;
  const end = Math.max(letters, sharedWordsEnd(text, names, language) ?? 0);
  return end > 0 ? end : undefined;
}

const SEPARATORS = '：:，,、；;·・';

/** The character (a whole code point) that ends at `end`. */
function characterBefore(text: string, end: number): string {
  return text.slice(isLowSurrogate(text.charCodeAt(end - 1)) && end > 1 ? end - 2 : end - 1, end);
}

/** Where the letters that end the text begin (a backwards walk: `/\p{L}*$/` retries from every position). */
function letterTailStart(text: string): number {
  let i = text.length;
  while (i > 0) {
    const c = characterBefore(text, i);
    if (!LETTER.test(c)) break;
    i -= c.length;
  }
  return i;
}

function sharedWordsEnd(text: string, names: readonly string[], language: WikiLanguage): number | undefined {
  const chars = new Set<string>();
  for (const name of names) for (const c of name) chars.add(variantKey(c));
  const shares = (word: string) => [...word].some((c) => chars.has(variantKey(c)));
  // Most piped labels share nothing with the title: no need to split them into words.
  if (!shares(text)) return undefined;
  let end = 0;
  let ended = false;
  for (const { segment, index, isWordLike } of segmenter(language).segment(text.split(BREAK).join(' '))) {
    if (!isWordLike) continue;
    if (!ended && shares(segment)) end = index + segment.length;
    else if (!ended) ended = true;
    // A later word from the title (`西|属|美洲` for 西班牙美洲殖民地): the label goes on past the first word without one.
    else if (shares(segment)) return undefined;
  }
  return end;
}

/**
 * The title, the title without its `(disambiguator)` and a person's last name, of the page named,
 * the page found and the redirects to it; and the section linked, whose heading a label may give
 * (`[[Visual Studio .NET#Visual Studio 2008|Visual Studio 2008]]`).
 */
function targetNames(title: string, resolvedTitle: string | undefined, redirectTitles: readonly string[] = [], fragment?: string): string[] {
  const names: string[] = [];
  for (const t of [title, resolvedTitle, ...redirectTitles, fragment]) {
    if (!t) continue;
    const paren = t.charCodeAt(t.length - 1) === 0x29 /* ) */ ? /^(.+?) \([^)]*\)$/.exec(t) : null;
    for (const base of paren ? [t, paren[1]] : [t]) {
      if (!names.includes(base)) names.push(base);
      // A person's name in a foreign order goes by its last part (`[[格梅·廷里|廷里]]會面`).
      const surname = NAME_PARTS.exec(base)?.[1];
      if (surname && surname.length >= 2 && !names.includes(surname)) names.push(surname);
    }
  }
  return names;
}

const NAME_PARTS = /[·・‧•]([^·・‧•]+)$/;

/** Whether the text from `from` on, two characters or more, is the end of a longer `name`. */
function endsWithPart(name: string, text: string, from: number): boolean {
  const n = text.length - from;
  if (n < 2 || n >= name.length) return false;
  for (let i = 0; i < n; i++) if (!sameCharacter(text[from + i], name[name.length - n + i], false)) return false;
  return true;
}

/** Matches `name` in the text at `from` (its start by default); returns the index after the match or -1. */
function matchName(text: string, name: string, from = 0): number {
  let i = from;
  let k = 0;
  while (k < name.length) {
    if (i >= text.length) return -1;
    if (text[i] === BREAK) {
      if (name[k] === ' ') k++;
      i++;
      continue;
    }
    if (!sameCharacter(text[i], name[k], k === 0)) return -1;
    i++;
    k++;
  }
  return i;
}

function sameCharacter(a: string, b: string, first: boolean): boolean {
  if (a === b || (a === '_' && b === ' ')) return true;
  // A title may have the full-width form of a mark or letter its label writes narrow (`C＃`, `C#`).
  if (isFullWidth(a) || isFullWidth(b)) return narrow(a) === narrow(b);
  if (first && a.toUpperCase() === b.toUpperCase()) return true;
  return a.charCodeAt(0) >= 0x3400 && variantKey(a) === variantKey(b);
}

const isFullWidth = (c: string) => c >= '\uff01' && c <= '\uff5e';
const narrow = (c: string) => (isFullWidth(c) ? String.fromCharCode(c.charCodeAt(0) - 0xfee0) : c);

/**
 * The trail context of each link of a page: labels learnt from the texts its links give each
 * target. Two texts to one target that share a beginning and then both go on with letters share a
 * label there, when both texts have a word boundary at that point.
 */
export function pageTrailContexts(page: PageContext, workspace: Workspace, resolutions?: readonly Resolution[]): (linkIndex: number) => TrailContext {
  // The fixes of a page's findings ask again, one finding at a time: learnt once per page and index state.
  const known = learnt.get(page);
  if (known && known.options === workspace.options && known.version === workspace.index.version) return known.contexts;
  const contexts = learnTrailContexts(page, workspace, resolutions);
  learnt.set(page, { options: workspace.options, version: workspace.index.version, contexts });
  return contexts;
}

const learnt = new WeakMap<PageContext, { options: WorkspaceOptions; version: number; contexts: (linkIndex: number) => TrailContext }>();

function learnTrailContexts(page: PageContext, workspace: Workspace, resolutions?: readonly Resolution[]): (linkIndex: number) => TrailContext {
  const source = page.document.getText();
  const setting = workspace.options.language ?? 'auto';
  const language = setting === 'auto' ? pageLanguage(page) : setting;
  const links = page.parsed.links;
  // Texts are read only for targets linked more than once.
  const groups = new Map<string, { first: number; title: string; resolvedTitle?: string; texts?: string[] }>();
  const keys: (string | undefined)[] = [];
  for (let i = 0; i < links.length; i++) {
    const link = links[i];
    if (!mayHaveTrail(source, link)) { keys.push(undefined); continue; }
    const resolution = resolutions?.[i] ?? workspace.resolve(link, page.file);
    const resolvedTitle = resolution.state === 'exists' ? resolution.page.title : undefined;
    const key = resolution.state === 'exists' ? resolution.page.path : link.target!.title;
    keys.push(key);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: i, title: link.target!.title, resolvedTitle });
      continue;
    }
    group.texts ??= [linkText(source, links[group.first]).value];
    const text = linkText(source, link).value;
    if (!group.texts.includes(text)) group.texts.push(text);
  }
  const labels = new Map<string, string[]>();
  const pageLabels = new Set<string>();
  for (const [key, { title, resolvedTitle, texts }] of groups) {
    if (!texts || texts.length < 2) continue;
    const names = targetNames(title, resolvedTitle, redirectTitles(workspace, key));
    // Texts that start with a name share the letters of their trails too (`雜誌上登載`, `雜誌上進行對談`): the name ends the label there.
    const found = sharedLabels(texts, language).filter((label) => !names.some((name) => matchName(label, name) > 0));
    if (found.length) labels.set(key, found);
    for (const label of found) pageLabels.add(label);
  }
  const all = [...pageLabels];
  return (i) => {
    const key = keys[i];
    return { language, labels: (key !== undefined && labels.get(key)) || [], pageLabels: all, redirectTitles: () => (key === undefined ? [] : redirectTitles(workspace, key)) };
  };
}

/** The titles of the redirects to a page file (none for a key that is a missing page's title). */
function redirectTitles(workspace: Workspace, key: string): string[] {
  return workspace.index.redirectsTo(key).map((redirect) => redirect.title);
}

/** A page tells its wiki's language by the host of its wiki links (`ja.wikipedia.org`); Chinese when it has none. */
export function pageLanguage(page: PageContext): WikiLanguage {
  const source = page.document.getText();
  for (const link of page.parsed.links) {
    if (link.kind !== 'wiki' && link.kind !== 'category') continue;
    const host = /^https?:\/\/([a-z-]+)\.(?:m\.)?wiki/i.exec(source.slice(link.destStart, Math.min(link.destEnd, link.destStart + 40)))?.[1].toLowerCase();
    if (host && (WIKI_LANGUAGES as readonly string[]).includes(host)) return host as WikiLanguage;
  }
  return 'zh';
}

const segmenters = new Map<WikiLanguage, Intl.Segmenter>();

function sharedLabels(texts: readonly string[], language: WikiLanguage): string[] {
  // Sorted, any two texts share what the texts between them share: neighbours give every shared beginning.
  const sorted = [...texts].sort();
  const boundaryAt = (text: string, at: number) => wordBoundaries(text, language).includes(at);
  const found = new Set<string>();
  for (let k = 1; k < sorted.length; k++) {
    const label = commonLabel(sorted[k - 1], sorted[k], boundaryAt);
    if (label) found.add(label);
  }
  return [...found];
}

function commonLabel(a: string, b: string, boundaryAt: (text: string, at: number) => boolean): string | undefined {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  // Both go on after it: a text that ends there may be a label of its own that the other extends (`Windows`, `Windows作業系統`).
  if (k === 0 || k === a.length || k === b.length || a[k - 1] === BREAK) return undefined;
  for (const text of [a, b]) {
    if (!LETTERS.test(text.slice(k)) || !boundaryAt(text, k)) return undefined;
  }
  return a.slice(0, k);
}

function segmenter(language: WikiLanguage): Intl.Segmenter {
  let found = segmenters.get(language);
  if (!found) segmenters.set(language, (found = new Intl.Segmenter(language, { granularity: 'word' })));
  return found;
}

/** Word boundaries of texts, per language: a page's texts are segmented again on every keystroke. */
const boundaryCache = new Map<string, number[]>();
const BOUNDARY_CACHE_LIMIT = 20_000;

function wordBoundaries(text: string, language: WikiLanguage): number[] {
  const key = `${language}:${text}`;
  let found = boundaryCache.get(key);
  if (!found) {
    if (boundaryCache.size >= BOUNDARY_CACHE_LIMIT) boundaryCache.clear();
    found = [...segmenter(language).segment(text.split(BREAK).join(' '))].map((s) => s.index);
    boundaryCache.set(key, found);
  }
  return found;
}

