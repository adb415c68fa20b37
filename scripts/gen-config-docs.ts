import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, renderConfigReference } from '@orion/shared';

const out = join(projectRoot(), 'docs', 'configuration.md');
writeFileSync(out, renderConfigReference());
console.log(`wrote ${out}`);
