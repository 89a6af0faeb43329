import { parseArgs } from 'node:util';
import { normaliseMobile, normaliseMobileWithLibrary } from '../src/core/phone.js';

/**
 * `npm run build --silent && node dist/bench/phone.js [--count N]`: what a mobile column written
 * nationally costs with appendCountryCode, read by the compiled plans (normaliseMobile) and by
 * libphonenumber-js (normaliseMobileWithLibrary): N distinct Indian mobiles such as 9876543210
 * (base IN) and N distinct British ones such as 07400123456 (base GB), in ns a number. The
 * compiled plans take well under a second a set, so they are timed three times and the median
 * reported, the library once: a single pass of the plans is at the mercy of a garbage collection.
 */

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' } } });
const count = Number(values.count);

// Distinct numbers: a multiplier prime to 10^9 walks through the nine-digit tails without repeats.
const tail = (i: number) => String((i * 104_729 + 12_345) % 1_000_000_000).padStart(9, '0');
const sets = [
  { name: 'IN', country: 'IN', number: (i: number) => `${6 + (i % 4)}${tail(Math.floor(i / 4))}` },
  { name: 'GB', country: 'GB', number: (i: number) => `07${tail(i)}` },
];

function time(read: (raw: string, options: { appendCountryCode: boolean; baseCountry: string }) => string | null, numbers: string[], country: string) {
  const options = { appendCountryCode: true, baseCountry: country };
  const results: (string | null)[] = new Array(numbers.length);
  const start = process.hrtime.bigint();
  for (let i = 0; i < numbers.length; i++) results[i] = read(numbers[i], options);
  const ns = Number(process.hrtime.bigint() - start) / numbers.length;
  return { ns, results };
}

for (const { name, country, number } of sets) {
  const numbers = Array.from({ length: count }, (_, i) => number(i));
  // Both paths warm up on 20,000 other numbers first: the timings are of the steady state.
  const warmUp = Array.from({ length: 20_000 }, (_, i) => number(count + i));
  time(normaliseMobile, warmUp, country);
  time(normaliseMobileWithLibrary, warmUp, country);
  const rounds = [1, 2, 3].map(() => time(normaliseMobile, numbers, country));
  const plans = rounds.sort((a, b) => a.ns - b.ns)[1];
  const library = time(normaliseMobileWithLibrary, numbers, country);
  const valid = library.results.filter((r, i) => r !== null && r !== numbers[i]).length;
  const differ = plans.results.filter((r, i) => r !== library.results[i]).length;
  process.stdout.write(
    `${name}: ${numbers.length} distinct national numbers, ${((100 * valid) / numbers.length).toFixed(1)}% valid mobiles, ${differ} answered differently\n` +
      `  compiled plans     ${plans.ns.toFixed(0).padStart(6)} ns/number\n` +
      `  libphonenumber-js  ${library.ns.toFixed(0).padStart(6)} ns/number\n` +
      `  ratio              ${(library.ns / plans.ns).toFixed(1).padStart(6)}×\n`,
  );
}
