export * from './syntax';
export { parsePage, reparsePage, categoryTitles, type ParseOptions } from './parsePage';
export { linkTextMeaning } from './inline';
export {
  normalizeTitle, upperFirst, unescapeMarkdown, percentDecode, classifyDestination,
  titleFromPagePath, pagePathFromTitle, escapeDestination,
} from './title';
