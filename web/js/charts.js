// charts.js — Apache ECharts (vendored under /vendor by scripts/setup-web) for the pages that
// draw: loaded on first use, with the map of China registered once, and charts that resize
// with their box and are disposed when the page goes.
import { lang } from './i18n.js';

let loaded = null;

export function echartsReady() {
  if (!loaded) {
    loaded = Promise.all([
      import('/vendor/echarts.esm.min.mjs'),
      fetch('/vendor/china.json').then((r) => {
        if (!r.ok) throw new Error('map: HTTP ' + r.status);
        return r.json();
      }),
    ]).then(([echarts, china]) => {
      // The map of China published with Apache ECharts 4.9.0 (map/json/china.json).
      echarts.registerMap('china', china);
      return echarts;
    });
    loaded.catch(() => { loaded = null; });
  }
  return loaded;
}

export const palette = ['#2f6fde', '#e0683a', '#1f9e89', '#9b59b6', '#d4a017', '#c0392b',
  '#16a0c6', '#7f8c8d', '#5c7cfa', '#e67e22', '#2ecc71', '#8e44ad'];

// An ECharts instance on `el`, disposed with the page (ctx.onCleanup).
export async function makeChart(el, ctx, { renderer = 'canvas' } = {}) {
  const echarts = await echartsReady();
  const chart = echarts.init(el, null, { renderer, locale: lang() === 'zh' ? 'ZH' : 'EN' });
  // A box with no size (the page is being left, or hidden) has nothing to lay out.
  const ro = new ResizeObserver(() => {
    if (!chart.isDisposed() && el.isConnected && el.clientWidth > 0 && el.clientHeight > 0) chart.resize();
  });
  ro.observe(el);
  ctx.onCleanup(() => { ro.disconnect(); chart.dispose(); });
  return chart;
}

export const baseText = {
  fontFamily: 'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif',
};
