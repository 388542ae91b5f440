// Rewrites the flag reference block of README.md from the settings model (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { FLAGS_BEGIN, FLAGS_END, flagsTable } from '../dist/lib/flags-table.js';

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(FLAGS_BEGIN);
const end = readme.indexOf(FLAGS_END);
if (start === -1 || end === -1) throw new Error('README.md: flag block markers not found');
writeFileSync('README.md', readme.slice(0, start) + flagsTable() + readme.slice(end + FLAGS_END.length));
