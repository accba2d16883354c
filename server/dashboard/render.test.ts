import { describe, expect, it } from 'vitest';
import { escapeHtml } from './escape.js';
import { renderDashboard } from './render.js';

describe('dashboard rendering', () => {
  it('escapes everything that comes from plugins and events', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    const html = renderDashboard({
      time: 0,
      view: 'admin',
      plugins: [],
      events: [{ type: 'load-failed', plugin: 'x', time: 0, message: '<script>alert(1)</script>' }],
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('No plugins loaded.');
  });
});
