// The page's number formats (src/i18n/number-format.ts): the exact strings tables, headline figures and the
// browser tests read, in both languages, from one cache of Intl formatters.
import { describe, expect, it } from 'vitest';
import {
  formatChange, formatCompactYuan, formatCount, formatDays, formatPercent, formatPlain, formatSignedCount, formatSignedYuan,
  formatUpTo, formatWeight, formatYuan, numberFormat,
} from '../../src/i18n/number-format.ts';

describe('number formats', () => {
  it('money to the cent, weights to four places, counts whole, days to two places', () => {
    expect(formatYuan(21000, 'zh-CN')).toBe('21,000.00');
    expect(formatYuan(1234.5, 'en')).toBe('1,234.50');
    expect(formatWeight(1.28, 'zh-CN')).toBe('1.2800');
    expect(formatCount(100000, 'zh-CN')).toBe('100,000');
    expect(formatDays(8, 'en')).toBe('8.00');
  });

  it('changes carry their sign; one that rounds to nothing shows none', () => {
    expect(formatSignedYuan(1500, 'zh-CN')).toBe('+1,500.00');
    expect(formatSignedYuan(-1500.256, 'zh-CN')).toBe('-1,500.26');
    expect(formatSignedYuan(0.001, 'zh-CN')).toBe('0.00');
    expect(formatSignedYuan(-0.001, 'zh-CN')).toBe('0.00');
    expect(formatSignedCount(3, 'en')).toBe('+3');
    expect(formatSignedCount(-0.2, 'en')).toBe('0');
    expect(formatChange(0.032, 'zh-CN')).toBe('+3.2%');
    expect(formatChange(-0.0001, 'zh-CN')).toBe('0.0%');
    expect(formatChange(0, 'zh-CN')).toBe('0.0%');
  });

  it('rates as percentages, plain values with the decimals they have, compact money on axes', () => {
    expect(formatPercent(0.0017, 'zh-CN')).toBe('0.17%');
    expect(formatPlain(0.85, 'zh-CN')).toBe('0.85');
    expect(formatPlain(1.234567, 'en')).toBe('1.2346');
    expect(formatUpTo(1.5, 'en', 2)).toBe('1.5');
    expect(formatUpTo(2, 'en', 2)).toBe('2');
    expect(formatCompactYuan(350_000, 'en')).toBe('350K');
    expect(formatCompactYuan(120_000_000, 'zh-CN')).toBe('1.2亿');
  });

  it('makes a formatter once per locale and options', () => {
    const a = numberFormat('en', { maximumFractionDigits: 3 });
    expect(numberFormat('en', { maximumFractionDigits: 3 })).toBe(a);
    expect(numberFormat('zh-CN', { maximumFractionDigits: 3 })).not.toBe(a);
  });
});
