const hex = (h) => [1,3,5].map((i) => parseInt(h.slice(i, i+2), 16));
const lum = ([r,g,b]) => { const f = (c) => { c/=255; return c <= 0.03928 ? c/12.92 : ((c+0.055)/1.055)**2.4; }; return 0.2126*f(r)+0.7152*f(g)+0.0722*f(b); };
const over = (top, a, bottom) => top.map((c, i) => Math.round(c*a + bottom[i]*(1-a)));
const ratio = (a, b) => { const [x,y] = [lum(a), lum(b)].sort((p,q)=>q-p); return (x+0.05)/(y+0.05); };
const themes = {
  light: { bgs: { editor: '#ffffff', insLine: '#e9f5e1', insText: '#cfeac0', remLine: '#fbe9e9', remText: '#f5cccc', lineNo: '#ffffff' },
    marks: [[[255,200,0],0.2],[[28,110,214],0.1]],
    fg: { text: '#1d1f21', keyword: '#0000b8', string: '#9a1111', number: '#0b5e36', comment: '#335a1f', type: '#175468', variable: '#6b2c91', delimiter: '#3c3c3c', lineNumber: '#545b66' } },
  dark: { bgs: { editor: '#1e1e1e', insLine: '#233020', insText: '#2f4127', remLine: '#352222', remText: '#4a2a2a', lineNo: '#1e1e1e' },
    marks: [[[255,200,0],0.12],[[92,158,255],0.14]],
    fg: { text: '#ececec', keyword: '#a3ccff', string: '#f7c2aa', number: '#c6ecb8', comment: '#b4daa4', type: '#8fe3d5', variable: '#dcbcf5', delimiter: '#d6d6d6', lineNumber: '#a9afb9' } },
};
for (const [name, t] of Object.entries(themes)) {
  let worst = {};
  for (const [fgName, fg] of Object.entries(t.fg)) {
    let min = 99, at = '';
    for (const [bgName, bg] of Object.entries(t.bgs)) {
      const base = hex(bg);
      const variants = [['', base], ...t.marks.map(([c, a], i) => [`+mark${i}`, over(c, a, base)])];
      for (const [v, b] of variants) { const r = ratio(hex(fg), b); if (r < min) { min = r; at = bgName + v; } }
    }
    worst[fgName] = `${min.toFixed(2)} @${at}`;
  }
  console.log(name, worst);
}
