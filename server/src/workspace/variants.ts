// Chinese variant conversion, for MediaWiki's lookup of a missing title through its
// Traditional/Simplified variants (`科尔宾` finds `科爾賓`).
import * as OpenCC from 'opencc-js';

const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' });
const toTaiwan = OpenCC.Converter({ from: 'cn', to: 'tw' });
const toHongKong = OpenCC.Converter({ from: 'cn', to: 'hk' });

const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The key under which all variants of a title meet: its Simplified form. */
export function variantKey(title: string): string {
  return HAN.test(title) ? toSimplified(title) : title;
}

/** The titles MediaWiki tries for a missing title: its conversions to each variant. */
export function titleVariants(title: string): string[] {
  if (!HAN.test(title)) return [];
  const simplified = toSimplified(title);
  const out = new Set([simplified, toTaiwan(simplified), toHongKong(simplified)]);
  out.delete(title);
  return [...out];
}
