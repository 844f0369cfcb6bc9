// format.js — numbers, money, times and sizes as people read them, in the current language.
// Money is CNY with two decimals; times are shown in the browser's local time zone, which the
// shell names on every page (zoneNote()). Sites and regions are named in the portal's language.
import { lang, t } from './i18n.js';

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');

export function money(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '—';
  return '¥' + Number(v).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

// A unit price: two decimals at least, up to four (¥0.004 per GB-hour is a real price).
export function price(v) {
  if (v === null || v === undefined || Number.isNaN(Number(v))) return '—';
  return '¥' + Number(v).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

export function num(v, digits = 0) {
  if (v === null || v === undefined) return '—';
  return Number(v).toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function percent(part, whole) {
  if (!whole) return '—';
  return Math.round((100 * part) / whole) + '%';
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'medium' });
}

// The browser's UTC offset at `at` (default now): "UTC+8", "UTC+5:30", "UTC".
export function utcOffset(at = new Date()) {
  const m = -at.getTimezoneOffset();
  if (!m) return 'UTC';
  const a = Math.abs(m);
  return `UTC${m > 0 ? '+' : '−'}${Math.floor(a / 60)}${a % 60 ? ':' + String(a % 60).padStart(2, '0') : ''}`;
}

// The IANA zone the times are shown in ("Asia/Shanghai"), or '' when the browser does not say.
export function zoneName() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch { return ''; }
}

// A site's or a region's name in the portal's language: `name_zh` in Chinese when the gateway
// gives one, else `name` (registered names need not have a Chinese form).
export function displayName(obj) {
  if (!obj) return '';
  return lang() === 'zh' && obj.name_zh ? obj.name_zh : obj.name;
}

// A region's hub ("长三角 Yangtze River Delta" in the catalogue): `hub_zh` / `hub_en` when the
// gateway splits them, else the part of the bilingual name in the portal's language.
export function hubName(region) {
  if (!region || !region.hub) return '';
  if (lang() === 'zh' && region.hub_zh) return region.hub_zh;
  const m = /^([\u3000-\u9fff\uff00-\uffef]+)\s+(.+)$/.exec(region.hub);
  if (!m) return region.hub;
  return lang() === 'zh' ? m[1] : m[2];
}

export function clock(iso) {
  const d = new Date(iso);
  return d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// A duration in seconds: "now", "45 s", "12 min", "3 h 5 min", "2 d 4 h".
export function duration(s) {
  if (s === null || s === undefined) return '—';
  s = Math.round(Number(s));
  if (s <= 0) return t('fmt.now');
  if (s < 60) return t('fmt.s', { n: s });
  if (s < 3600) return t('fmt.min', { n: Math.round(s / 60) });
  if (s < 86400) {
    const h = Math.floor(s / 3600), m = Math.round((s % 3600) / 60);
    return m ? t('fmt.h_min', { h, m }) : t('fmt.h', { n: h });
  }
  const d = Math.floor(s / 86400), h = Math.round((s % 86400) / 3600);
  return h ? t('fmt.d_h', { d, h }) : t('fmt.d', { n: d });
}

// "in 3 min" / "now" for seconds from now.
export function startsIn(s) {
  return s <= 0.5 ? t('fmt.now') : t('fmt.in', { d: duration(s) });
}

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  n = Number(n);
  if (n === 0) return t('fmt.none_moved');
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return num(n, n < 10 && i > 0 ? 1 : 0) + ' ' + units[i];
}

export function gb(v) {
  if (v === null || v === undefined) return '—';
  return v >= 10000 ? num(v / 1000, 1) + ' TB' : num(v, 1) + ' GB';
}

// "A800 ×8, H100 ×4" from {model: {total, free}} (free when `free` is set).
export function accelerators(map, free = false) {
  const parts = Object.entries(map || {}).map(([m, c]) => `${m} ${free ? c.free + '/' : ''}${c.total}`);
  return parts.length ? parts.join(', ') : '—';
}

// Energy in kWh: "458 Wh" and "0.46 Wh" under 1 kWh, "2.02 kWh", "1,250 kWh", "34.5 MWh" from 10 MWh.
export function energy(kwh) {
  if (kwh === null || kwh === undefined || Number.isNaN(Number(kwh))) return '—';
  kwh = Number(kwh);
  if (kwh === 0) return t('fmt.kwh', { n: 0 });
  if (kwh < 1) return t('fmt.wh', { n: estimate(kwh * 1000) });
  if (kwh >= 10000) return t('fmt.mwh', { n: estimate(kwh / 1000) });
  return t('fmt.kwh', { n: estimate(kwh) });
}

// Emissions in kg CO2: "890 g CO₂" under 1 kg, "1.33 kg CO₂", "12.5 t CO₂" from 1 t; with
// `bare`, the mass alone ("890 g"), where a heading already says CO₂.
export function co2(kg, { bare = false } = {}) {
  if (kg === null || kg === undefined || Number.isNaN(Number(kg))) return '—';
  kg = Number(kg);
  const key = (unit) => (bare ? 'fmt.' : 'fmt.co2_') + unit;
  if (kg === 0) return t(key('g'), { n: 0 });
  if (kg < 1) return t(key('g'), { n: estimate(kg * 1000) });
  if (kg >= 1000) return t(key('t'), { n: estimate(kg / 1000) });
  return t(key('kg'), { n: estimate(kg) });
}

// An estimate: three significant digits under 100 ("2.02", "0.458"), whole numbers above.
function estimate(v) {
  return v >= 100 ? num(v, 0) : Number(v).toLocaleString(locale(), { maximumSignificantDigits: 3 });
}

// A grid's carbon intensity: "140 g CO₂/kWh".
export function intensity(g) {
  if (g === null || g === undefined || Number.isNaN(Number(g))) return '—';
  return t('fmt.g_per_kwh', { n: num(g, 0) });
}
