// npm run bench: measured figures, written to bench/results.md. Ratios and counts measured in
// one run against local emulators; nothing here is asserted by the test suite (except the packed
// size limit, which test/verify/package.test.mjs checks too).
// `npm run bench -- package` runs only the package-size part and splices its section into the
// existing bench/results.md, leaving the other (slow) measurements as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { buildAndPack } from './lib/pack.mjs';
import { ccAgencyIdlePoll } from '../bench/cc-agency-trigger.mjs';
import { alyxBenchmarks } from '../bench/alyx.mjs';
import { agoraIdlePoll } from '../bench/agora-trigger.mjs';
import { agoraTransfers } from '../bench/agora-transfers.mjs';

const resultsFile = join(repoRoot, 'bench', 'results.md');

/** What n8n downloads when the package is installed: `npm pack` of the built package. */
function packageSize() {
	const packed = buildAndPack();
	const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB (${bytes.toLocaleString('en-US')} bytes)`;
	return [
		'## Package size',
		'',
		'`npm pack` of the built package, as npm publishes it and n8n installs it.',
		'',
		'| what | value |',
		'|---|---|',
		`| tarball (packed) | ${kib(packed.size)} |`,
		`| unpacked | ${kib(packed.unpackedSize)} |`,
		`| files | ${packed.files.length} |`,
		'',
		`Limit checked by \`test/verify/package.test.mjs\`: packed under 1 MiB (${packed.size < 1024 * 1024 ? '**met**' : '**NOT met**'}).`,
		'',
	].join('\n');
}

/**
 * Replaces the section that starts with the same "## " heading in bench/results.md (or the older
 * "## Package" section, for the package size), or appends it; the other sections stay as measured.
 */
function spliceSection(section) {
	const heading = section.slice(0, section.indexOf('\n'));
	let report = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '# Benchmark results\n';
	const headings = heading === '## Package size' ? [heading, '## Package'] : [heading];
	const lines = report.split('\n');
	const start = lines.findIndex((line) => headings.includes(line.trimEnd()));
	if (start < 0) {
		report = `${report.trimEnd()}\n\n${section}`;
	} else {
		let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
		if (end < 0) end = lines.length;
		report = [...lines.slice(0, start), ...section.trimEnd().split('\n'), '', ...lines.slice(end)].join('\n').trimEnd() + '\n';
	}
	writeFileSync(resultsFile, report);
	return report;
}

// `npm run bench -- package` measures only the package size and splices it into results.md.
const only = process.argv.slice(2);
if (only.length > 0) {
	const parts = { package: packageSize };
	for (const name of only) {
		if (!parts[name]) throw new Error(`unknown bench part "${name}"; known: ${Object.keys(parts).join(', ')}`);
		console.log(spliceSection(await parts[name]()));
	}
	process.exit(0);
}

const sections = [];
sections.push(await ccAgencyIdlePoll());
sections.push(await alyxBenchmarks());
sections.push(await agoraIdlePoll());
sections.push(await agoraTransfers());
sections.push(packageSize());

const report = `# Benchmark results\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores.\n\n${sections.join('\n')}`;
writeFileSync(resultsFile, report);
console.log(report);
