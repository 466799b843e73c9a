import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parsePage } from '../../server/src/parse';
import { findLinkTrail, pageLanguage, pageTrailContexts, type TrailContext } from '../../server/src/features/linkTrail';
import { pageContext } from '../../server/src/features/page';
import { applyEdits, fixesFor } from '../../server/src/features/fixes';
import { Workspace } from '../../server/src/workspace/workspace';
import type { WikiLanguage } from '../../server/src/workspace/language';
import { MemoryFileSystem } from '../workspace/memoryFileSystem';

const context = (language: WikiLanguage = 'zh'): TrailContext => ({ language, labels: [], pageLabels: [] });

const trailOf = (source: string, resolvedTitle?: string, language?: WikiLanguage) => {
  const [link] = parsePage(source).links;
  return findLinkTrail(source, link, resolvedTitle, context(language))?.text;
};
const sureTrailOf = (source: string) => {
  const trail = findLinkTrail(source, parsePage(source).links[0], undefined, context());
  return trail?.sure ? trail.text : undefined;
};

const pageOf = (source: string) => pageContext(TextDocument.create('file:///w/Page/X.md', 'markdown', 0, source), '/w/Page/X.md', 1e6);

/** The trails of every link of a page, as the checks see them: with what the page knows of its labels. */
function pageTrails(source: string): (string | undefined)[] {
  const workspace = new Workspace(new MemoryFileSystem({}), () => undefined, ['/w']);
  const page = pageOf(source);
  const contexts = pageTrailContexts(page, workspace);
  return page.parsed.links.map((link, i) => {
    const trail = findLinkTrail(source, link, undefined, contexts(i));
    return trail && `${trail.sure ? '' : '?'}${trail.text}`;
  });
}

test('link trail: the text after the title, from the forms in FORMAT.md', () => {
  assert.equal(trailOf('[阿拉木图的一次](../Page/阿拉木图.md "wikilink")'), '的一次');
  assert.equal(trailOf('[PHPで書かれた](../Page/PHP_\\(プログラミング言語\\).md "wikilink")'), 'で書かれた', 'before the disambiguator');
  assert.equal(trailOf('[Windows\nDNA之後的新開發平臺](https://zh.wikipedia.org/wiki/Windows_DNA "wikilink")'), '之後的新開發平臺', 'wrapped text');
  assert.equal(trailOf('[Commodore\n国际开发](https://zh.wikipedia.org/wiki/Commodore国际 "wikilink")'), '开发');
  assert.equal(trailOf('[學生運動的](../Page/学生运动.md "wikilink")'), '的', 'text in the other variant');
  assert.equal(trailOf('[軟體的](../Page/软件.md "wikilink")'), '的', 'a phrase variant of the title');
  assert.equal(sureTrailOf('[軟體的](../Page/软件.md "wikilink")'), '的', 'known, not guessed');
  assert.equal(trailOf('[Java平臺企業版技術是ⓦ](https://zh.wikipedia.org/wiki/Java平臺企業版技術 "wikilink")'), '是', 'marker stays');
});

test('no link trail: exact text, piped text, spaces, digits, categories', () => {
  assert.equal(trailOf('[微軟ⓦ](https://zh.wikipedia.org/wiki/微軟 "wikilink")'), undefined);
  assert.equal(trailOf('[西属美洲](../Page/西班牙美洲殖民地.md "wikilink")'), undefined, 'the label shares later words with the title');
  assert.equal(trailOf('[FreeBSD 4.8](../Page/FreeBSD.md "wikilink")'), undefined, 'a space is not swallowed');
  assert.equal(trailOf('[Serial port\nlibrary](../Page/Serial_port.md "wikilink")'), undefined, 'nor is a wrapped space');
  assert.equal(trailOf('[Windows10創作者更新](../Page/Windows.md "wikilink")'), undefined, 'nor a digit: the trail starts straight after the label');
  assert.equal(trailOf('[Category:BSD系统](https://zh.wikipedia.org/wiki/Category:BSD "wikilink")'), undefined);
});

test("each wiki's own rule: zh links no letter after ]], ja and ko (English's rule) link a-z", () => {
  assert.equal(trailOf('[apples](../Page/Apple.md "wikilink")', undefined, 'zh'), 's');
  assert.equal(trailOf('[apples](../Page/Apple.md "wikilink")', undefined, 'ja'), undefined, 'MediaWiki links [[apple]]s too');
  assert.equal(trailOf('[지질 활동과](https://ko.wikipedia.org/wiki/지질_활동 "wikilink")', undefined, 'ko'), '과', 'Hangul is not in the rule');
  assert.equal(trailOf('[東京都の](https://ja.wikipedia.org/wiki/東京都 "wikilink")', undefined, 'ja'), 'の');
  assert.equal(trailOf('[Appleskの](../Page/Apple.md "wikilink")', undefined, 'ja'), 'の', 'the wiki links "sk", pandoc the rest too');
});

test('piped labels that end where their marks close: a name in quotation marks or brackets, conversion markup', () => {
  assert.equal(sureTrailOf('[《申报》等地图对中不边界描述比较粗糙](../Page/申报.md "wikilink")'), '等地图对中不边界描述比较粗糙');
  assert.equal(sureTrailOf('[「軟體」的](../Page/软件.md "wikilink")'), '的', 'the name in either variant');
  assert.equal(sureTrailOf('[-{zh-hant:頂級域名;zh-hans:顶级域}-下的一个二级網域](https://zh.wikipedia.org/wiki/顶级域 "wikilink")'), '下的一个二级網域');
  assert.equal(sureTrailOf('[《人民日报》的](../Page/申报.md "wikilink")'), undefined, 'marks around another name: not known');
  assert.equal(sureTrailOf('[《申报》](../Page/申报.md "wikilink")'), undefined, 'nothing after the marks');
  assert.equal(sureTrailOf('[-{zh-hant:頂級域名;zh-hans:顶级域}-](https://zh.wikipedia.org/wiki/顶级域 "wikilink")'), undefined);
});

test('piped labels: the page tells where the label ends, by the texts it gives one target', () => {
  const links = [
    '[西藏地方政府根据](https://zh.wikipedia.org/wiki/噶廈 "wikilink")',
    '[西藏地方政府将基伍租给](https://zh.wikipedia.org/wiki/噶廈 "wikilink")',
    '[不丹政府实际控制](../Page/不丹議會.md "wikilink")',
    '[不丹政府认为争议地区面积为](../Page/不丹議會.md "wikilink")',
    '[不丹政府实际控制](../Page/不丹.md "wikilink")',
    '[雜誌上登載](https://zh.wikipedia.org/wiki/雜誌 "wikilink")',
    '[雜誌上進行對談](https://zh.wikipedia.org/wiki/雜誌 "wikilink")',
    '[平臺獨立性和](https://zh.wikipedia.org/wiki/跨平臺 "wikilink")',
  ];
  assert.deepEqual(pageTrails(links.join('，')), ['根据', '将基伍租给', '实际控制', '认为争议地区面积为', '实际控制', '上登載', '上進行對談', '?獨立性和']);
});

test('the redirects to a page are names of it: the label ends after one (`ISO` → 國際標準化組織)', async () => {
  const fs = new MemoryFileSystem({ '/w/Page/國際標準化組織.md': '**國際標準化組織**', '/w/Page/捷克.md': '**捷克**' });
  fs.symlink('/w/Redirect/ISO.md', '../Page/國際標準化組織.md');
  fs.symlink('/w/Redirect/捷克共和國.md', '../Page/捷克.md');
  const workspace = new Workspace(fs, () => undefined, ['/w']);
  await workspace.scan();
  const trails = (source: string) => {
    const page = pageOf(source);
    const contexts = pageTrailContexts(page, workspace);
    return page.parsed.links.map((link, i) => {
      const resolution = workspace.resolve(link, page.file);
      const trail = findLinkTrail(source, link, resolution.state === 'exists' ? resolution.page.title : undefined, contexts(i));
      return trail && `${trail.sure ? '' : '?'}${trail.text}`;
    });
  };
  assert.deepEqual(trails('[ISO亦於](../Page/國際標準化組織.md "wikilink")，[ISO](https://zh.wikipedia.org/wiki/國際標準化組織 "wikilink")'), ['亦於', undefined]);
  assert.deepEqual(trails('[捷克共和國及](../Page/捷克.md "wikilink")，[捷克的](../Page/捷克.md "wikilink")'), ['及', '的'], 'the longest name ends the label');
  assert.deepEqual(trails('[ISO亦於](../Page/ISO組織.md "wikilink")'), ['?亦於'], 'a missing page has no redirects: only a guess from the shared letters');
});

test('piped labels that are a form of a name: its stem or end, a last name, a state form, a section, an abbreviation', () => {
  assert.equal(sureTrailOf('[三次方向](../Page/三次站.md "wikilink")'), '方向', 'the title without its last character');
  assert.equal(sureTrailOf('[斯拉夫语是巴拉圭的](../Page/斯拉夫语族.md "wikilink")'), '是巴拉圭的');
  assert.equal(sureTrailOf('[惠普和](https://zh.wikipedia.org/wiki/惠普公司 "wikilink")'), '和', 'the title without its company form');
  assert.equal(sureTrailOf('[阿里巴巴集团的](../Page/阿里巴巴公司.md "wikilink")'), '的', 'nor another company form after it');
  assert.equal(sureTrailOf('[长春亚泰的比赛](../Page/长春亚泰足球俱乐部.md "wikilink")'), '的比赛', "or a club's");
  assert.equal(sureTrailOf('[株式会社ATLUS的连接子公司](https://zh.wikipedia.org/wiki/ATLUS "wikilink")'), '的连接子公司', 'a Japanese company form before the title');
  assert.equal(sureTrailOf('[印度的](../Page/印度共和国.md "wikilink")'), '的', 'the title without its state form');
  assert.equal(sureTrailOf('[中国产网络游戏](https://zh.wikipedia.org/wiki/中华人民共和国 "wikilink")'), '产网络游戏', "a country's short name");
  assert.equal(sureTrailOf('[美國的](https://zh.wikipedia.org/wiki/美利坚合众国 "wikilink")'), '的');
  assert.equal(sureTrailOf('[中山的](https://zh.wikipedia.org/wiki/中华人民共和国 "wikilink")'), undefined, 'not another word with its first character');
  assert.equal(sureTrailOf('[嘉庆皇帝的诏书](../Page/嘉庆帝.md "wikilink")'), '的诏书', 'the title with a character put in');
  assert.equal(trailOf('[復仇者聯盟4：終局之戰](../Page/復仇者聯盟：終局之戰.md "wikilink")'), undefined, 'the whole text is the title with a character put in: nothing swallowed, not even a guess');
  assert.equal(sureTrailOf('[中华人民共和国的](../Page/中华民国.md "wikilink")'), undefined, 'not three');
  assert.equal(sureTrailOf('[对峙事件发生后](../Page/洞朗对峙事件.md "wikilink")'), '发生后', "the title's last characters");
  assert.equal(sureTrailOf('[代數觀念](../Page/抽象代数.md "wikilink")'), '觀念', 'two of a title of four');
  assert.equal(sureTrailOf('[算子伴随运算下的闭集](../Page/伴随算子.md "wikilink")'), undefined, "not when the title's beginning follows: the label goes on in it");
  assert.equal(sureTrailOf('[元件和服務](https://zh.wikipedia.org/wiki/軟體組件 "wikilink")'), '和服務', "or of a regional phrase variant of it (`軟體元件`)");
  assert.equal(sureTrailOf('[数学的](../Page/代数学.md "wikilink")'), undefined, 'not of a title of three');
  assert.equal(sureTrailOf('[泫雅的第一張專輯](../Page/金泫雅.md "wikilink")'), '的第一張專輯', "but a person's given name after a common family name");
  assert.equal(sureTrailOf('[어족내의](../Page/코이산_어족.md "wikilink")'), undefined, 'nor two Hangul syllables');
  assert.equal(sureTrailOf('[波斯尼亞黑塞哥維那](../Page/波斯尼亚和黑塞哥维那.md "wikilink")'), undefined, 'not its first ones');
  assert.equal(sureTrailOf('[黑山公民投票决定独立](../Page/2006年黑山独立公民投票.md "wikilink")'), '决定独立', 'the title shortened: its characters in order, some left out');
  assert.equal(sureTrailOf('[西语美洲的商业信函](../Page/西班牙语美洲.md "wikilink")'), '的商业信函');
  assert.equal(sureTrailOf('[中印洞朗对峙及其影响](../Page/2017年中印军队洞朗对峙事件.md "wikilink")'), '及其影响');
  assert.equal(sureTrailOf('[塞尔维亚和黑山的](../Page/塞爾維亞與蒙特內哥羅.md "wikilink")'), undefined, 'none left out between them: its beginning alone is no sure label');
  assert.equal(sureTrailOf('[西语美的](../Page/西班牙语美洲.md "wikilink")'), undefined, 'three characters in order are too few');
  assert.equal(sureTrailOf('[Windows Tech的](../Page/Windows_New_Technology.md "wikilink")'), undefined, 'nor Latin letters, found in order in a long name by chance');
  assert.equal(sureTrailOf('[코이산 어족내의](../Page/코이산_제어.md "wikilink")'), undefined, 'nor Hangul syllables');
  assert.equal(sureTrailOf('[廷里會面](https://zh.wikipedia.org/wiki/格梅·廷里 "wikilink")'), '會面', "a person's last name");
  assert.equal(sureTrailOf('[捷克共和國及](../Page/捷克.md "wikilink")'), '及', "a country's formal name");
  assert.equal(sureTrailOf('[斯洛伐克共和国兩個](../Page/斯洛伐克.md "wikilink")'), '兩個');
  assert.equal(sureTrailOf('[Visual Studio 2008一起發佈](https://zh.wikipedia.org/wiki/Visual_Studio_.NET#Visual_Studio_2008 "wikilink")'), '一起發佈', 'the section linked');
  assert.equal(sureTrailOf('[C#程式語言的](../Page/C＃.md "wikilink")'), '程式語言的', 'a full-width mark in the title');
  assert.equal(sureTrailOf('[ICANN宣布了](../Page/互联网名称与数字地址分配机构.md "wikilink")'), '宣布了', 'Latin letters for a Han title');
  assert.equal(sureTrailOf('[SARS-CoV-2而陷入停滞](../Page/2019冠状病毒病疫情.md "wikilink")'), '而陷入停滞');
  assert.equal(sureTrailOf('[CLI和](../Page/通用中间语言.md "wikilink")'), '和', 'one Han letter that begins no name');
  assert.equal(sureTrailOf('[IC卡](../Page/集成电路卡.md "wikilink")'), undefined, 'one that may');
  assert.equal(sureTrailOf('[Windows作業系統](https://zh.wikipedia.org/wiki/Microsoft_Windows "wikilink")'), undefined, 'a title in Latin letters: the Han letters may be the label');
  assert.equal(sureTrailOf('[GUI工具包的](https://zh.wikipedia.org/wiki/Graphical_user_interface "wikilink")'), '工具包的', "unless the label is the initials of the title's words");
  assert.equal(sureTrailOf('[MW作業系統](https://zh.wikipedia.org/wiki/Microsoft_Windows_NT "wikilink")'), undefined, 'all of them');
  assert.equal(sureTrailOf('[Windows NT的](../Page/Windows_New_Technology.md "wikilink")'), '的', 'or its words, some of them as initials');
  assert.equal(sureTrailOf('[Shared source CLI可以用於](https://zh.wikipedia.org/wiki/Shared_Source_Common_Language_Infrastructure "wikilink")'), '可以用於', 'in any case');
  assert.equal(sureTrailOf('[ECMA標準規格](https://zh.wikipedia.org/wiki/Ecma_International "wikilink")'), '標準規格', "or the title's name without its organisation form");
  assert.equal(sureTrailOf('[Java平臺企業版技術是](https://zh.wikipedia.org/wiki/Java_Platform,_Enterprise_Edition "wikilink")'), undefined, 'not its first word alone: the Han letters may be the rest of the name');
});

test('a label of many words against a title of many: answered at once, however many ways its words may match', { timeout: 60_000 }, () => {
  // Each `AB BB` stands for `AB BX BB` two ways (`AB`=`AB`, `BB`=initials; initials, `BB`=`BB`); `ZZ` fails them all at the end.
  const title = `${Array(40).fill('AB_BX_BB').join('_')}_ZZ`;
  const label = Array(40).fill('AB BB').join(' ');
  assert.equal(sureTrailOf(`[${label}的](https://zh.wikipedia.org/wiki/${title} "wikilink")`), undefined);
});

test('links pandoc wrote as HTML in a table: the same trails, fixed after `</a>`', () => {
  assert.equal(sureTrailOf('<a href="../Page/三次站.md" title="wikilink">三次方向</a>'), '方向');
  assert.equal(trailOf('<a href="../Page/阿拉木图.md" title="wikilink">阿拉木图的一次</a>'), '的一次');
  assert.equal(trailOf('<a href="../Page/阿拉木图.md" title="wikilink"><em>阿拉木图</em>的一次</a>'), undefined, 'markup inside: not read');
  assert.equal(trailOf('<a href="../Page/A.md" title="wikilink">A&amp;Bc</a>'), undefined, 'nor entities');
  const source = '<td><a href="../Page/三次站.md" title="wikilink">三次方向</a></td>';
  const page = pageOf(source);
  const [link] = page.parsed.links;
  const [fix] = fixesFor(page, new Workspace(new MemoryFileSystem({}), () => undefined, ['/w']), { code: 'link-trail', start: link.start, end: link.end });
  assert.equal(applyEdits(source, fix.edits), '<td><a href="../Page/三次站.md" title="wikilink">三次</a>方向</td>');
});

test('a guess offers the other places the label may end; a known trail none', () => {
  const source = '[平臺獨立性和](https://zh.wikipedia.org/wiki/跨平臺 "wikilink")';
  const [link] = parsePage(source).links;
  const guess = findLinkTrail(source, link, undefined, context())!;
  assert.equal(guess.sure, false);
  assert.deepEqual(guess.alternatives.map((a) => a.text), ['性和', '和'], 'at each word boundary, nearest first');
  assert.deepEqual(findLinkTrail('[阿拉木图的一次](../Page/阿拉木图.md "wikilink")', parsePage('[阿拉木图的一次](../Page/阿拉木图.md "wikilink")').links[0], undefined, context())!.alternatives, []);
});

test('a guess never ends a label at a separator: the words after it are the label\'s', () => {
  assert.equal(trailOf('[蜘蛛俠：不戰無歸](../Page/蜘蛛人：無家日.md "wikilink")'), undefined);
  assert.equal(trailOf('[蜘蛛俠、不戰無歸](../Page/蜘蛛人：無家日.md "wikilink")'), undefined);
  assert.equal(trailOf('[《申报》等地图](../Page/申报日刊.md "wikilink")'), '等地图', 'a closing mark may end one');
});

test("letters that end the title as well end the label: they are no trail, not even a guess", () => {
  assert.equal(trailOf('[公网IPv4地址](../Page/IP地址.md "wikilink")'), undefined);
  assert.equal(trailOf('[公网IPv4地址](../Page/IP地址.md "wikilink")', undefined, 'ja'), undefined);
  assert.equal(trailOf('[公网IPv4地区](../Page/IP地址.md "wikilink")'), '地区', 'other letters: still a guess');
  assert.equal(sureTrailOf('[最短路问题问题](../Page/最短路问题.md "wikilink")'), '问题', 'after the whole title they are a trail');
});

test('the trail span covers exactly the swallowed characters', () => {
  const source = 'x[阿拉木图的一次ⓦ](https://zh.wikipedia.org/wiki/阿拉木图 "wikilink")';
  const [link] = parsePage(source).links;
  const trail = findLinkTrail(source, link)!;
  assert.equal(source.slice(trail.start, trail.end), '的一次');
});

test("a page tells its wiki's language by the host of its wiki links", () => {
  assert.equal(pageLanguage(pageOf('[지질](https://ko.wikipedia.org/wiki/지질 "wikilink")')), 'ko');
  assert.equal(pageLanguage(pageOf('[a](../Page/A.md "wikilink") [カテゴリ:X](https://ja.wikipedia.org/wiki/カテゴリ:X "wikilink")')), 'ja');
  assert.equal(pageLanguage(pageOf('[中ⓦ](https://zh.wiki.chinapedia.org/wiki/中 "wikilink")')), 'zh');
  assert.equal(pageLanguage(pageOf('[a](../Page/A.md "wikilink")')), 'zh', 'none: Chinese, the corpus most users edit');
});
