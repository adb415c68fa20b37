import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { InfraError } from './infra-error.js';

export interface DockerStage {
  name?: string;
  workdir?: string;
  cmd?: string[];
}

/** The stages of a Dockerfile with their last WORKDIR and CMD (exec form). */
export function readDockerStages(file: string, root: string): DockerStage[] {
  const rel = relative(root, file);
  const doc = DockerfileParser.parse(readFileSync(file, 'utf8'));
  const stages: DockerStage[] = [];
  for (const instr of doc.getInstructions()) {
    const keyword = instr.getKeyword();
    if (keyword === 'FROM') {
      const args = instr.getArguments().map((a) => a.getValue());
      const as = args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? args[as + 1] : undefined });
    } else if (keyword === 'WORKDIR') {
      stages.at(-1)!.workdir = instr.getArgumentsContent() ?? undefined;
    } else if (keyword === 'CMD') {
      const content = instr.getArgumentsContent() ?? '';
      try {
        stages.at(-1)!.cmd = JSON.parse(content) as string[];
      } catch {
        throw new InfraError(
          rel,
          `CMD must use the exec form (JSON array) so signals reach node: ${content}`,
        );
      }
    }
  }
  return stages;
}

/**
 * Each runnable stage must start the app the way its package's `start` script does, from the app's
 * folder (`WORKDIR /app/apps/${APP}`), so the image runs exactly what `npm start` runs.
 */
export function checkEntrypoints(file: string, root: string, startScripts: Record<string, string>): string[] {
  const rel = relative(root, file);
  const runnable = readDockerStages(file, root).filter((s) => s.cmd);
  if (runnable.length === 0) throw new InfraError(rel, 'no stage has a CMD');
  const checked: string[] = [];
  for (const stage of runnable) {
    if (stage.workdir !== '/app/apps/${APP}') {
      throw new InfraError(
        rel,
        `stage ${stage.name}: WORKDIR must be /app/apps/\${APP}, is ${stage.workdir}`,
      );
    }
    const command = stage.cmd!.join(' ');
    for (const [app, script] of Object.entries(startScripts)) {
      if (script !== command)
        throw new InfraError(
          rel,
          `stage ${stage.name}: CMD "${command}" is not ${app}'s start script "${script}"`,
        );
    }
    checked.push(stage.name ?? '(unnamed)');
  }
  return checked;
}
