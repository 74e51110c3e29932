// npm run bench: measured figures, written to bench/results.md. Ratios and counts measured in
// one run against local emulators; nothing here is asserted by the test suite.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.mjs';
import { buildAndPack } from './lib/pack.mjs';
import { ccAgencyIdlePoll } from '../bench/cc-agency-trigger.mjs';
import { alyxBenchmarks } from '../bench/alyx.mjs';
import { agoraIdlePoll } from '../bench/agora-trigger.mjs';
import { agoraTransfers } from '../bench/agora-transfers.mjs';

const packed = buildAndPack();
const sections = [];
sections.push(await ccAgencyIdlePoll());
sections.push(await alyxBenchmarks());
sections.push(await agoraIdlePoll());
sections.push(await agoraTransfers());
sections.push(`## Package\n\n| what | value |\n|---|---|\n| packed size | ${(packed.size / 1024).toFixed(1)} KiB |\n| unpacked size | ${(packed.unpackedSize / 1024).toFixed(1)} KiB |\n| files | ${packed.files.length} |\n`);

const report = `# Benchmark results\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores.\n\n${sections.join('\n')}`;
writeFileSync(join(repoRoot, 'bench', 'results.md'), report);
console.log(report);
