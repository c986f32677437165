/** Writes a tiny GLUE data folder in the standard layout, for tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const rows = (header: string | null, body: string[]) => (header ? [header, ...body] : body).join('\n') + '\n';

export function writeTinyGlue(dir: string): void {
  const files: Record<string, string> = {
    'CoLA/train.tsv': rows(null, ['gj04\t1\t\tThe book was read by John.', 'gj04\t0\t*\tBook the John read was.', 'gj04\t1\t\tShe sings.']),
    'CoLA/dev.tsv': rows(null, ['gj04\t0\t*\tSings she the.', 'gj04\t1\t\tHe runs fast.']),
    'SST-2/train.tsv': rows('sentence\tlabel', ['a gorgeous film \t1', 'dull and lifeless \t0']),
    'SST-2/dev.tsv': rows('sentence\tlabel', ['it is a charming journey \t1']),
    'MRPC/train.tsv': rows('Quality\t#1 ID\t#2 ID\t#1 String\t#2 String', ['1\t1\t2\tHe said hi.\tHe greeted us.', '0\t3\t4\tIt rained.\tStocks fell.']),
    'MRPC/dev.tsv': rows('Quality\t#1 ID\t#2 ID\t#1 String\t#2 String', ['1\t5\t6\tThe cat sat.\tA cat was sitting.']),
    'STS-B/train.tsv': rows('index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore', [
      '0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane is taking off.\tAn air plane is taking off.\t5.000',
      '1\tmain-captions\tMSRvid\t2012test\t0004\tnone\tnone\tA man is playing a flute.\tA man is eating.\t0.800',
    ]),
    'STS-B/dev.tsv': rows('index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore', [
      '0\tmain-captions\tMSRvid\t2012test\t0000\tnone\tnone\tA man with a hard hat is dancing.\tA man wearing a hard hat is dancing.\t5.000',
    ]),
    'QQP/train.tsv': rows('id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate', ['0\t1\t2\tHow do I cook rice?\tHow to cook rice?\t1', '1\t3\t4\tWhat is AI?\tWhere is Paris?\t0']),
    'QQP/dev.tsv': rows('id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate', ['2\t5\t6\tWhy is the sky blue?\tWhat makes the sky blue?\t1']),
    'QNLI/train.tsv': rows('index\tquestion\tsentence\tlabel', ['0\tWho wrote it?\tShe wrote it in 1990.\tentailment', '1\tWhen?\tThe dog barked.\tnot_entailment']),
    'QNLI/dev.tsv': rows('index\tquestion\tsentence\tlabel', ['0\tWhere?\tIn Paris.\tentailment']),
    'RTE/train.tsv': rows('index\tsentence1\tsentence2\tlabel', ['0\tA man sleeps.\tA person rests.\tentailment', '1\tIt is hot.\tIt is snowing.\tnot_entailment']),
    'RTE/dev.tsv': rows('index\tsentence1\tsentence2\tlabel', ['0\tThe sun rose.\tIt is morning.\tentailment']),
  };
  const mnliHeader = 'index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2';
  files['MNLI/train.tsv'] = rows(`${mnliHeader}\tlabel1\tgold_label`, [
    '0\t1\t1e\tfiction\t(x)\t(y)\t(X)\t(Y)\tA man walks.\tA man moves.\tentailment\tentailment',
    '1\t1\t1c\tfiction\t(x)\t(y)\t(X)\t(Y)\tA man walks.\tA man sleeps.\tcontradiction\tcontradiction',
    '2\t1\t1n\tfiction\t(x)\t(y)\t(X)\t(Y)\tA man walks.\tA man walks home.\tneutral\tneutral',
  ]);
  const dev = (g: string) =>
    rows(`${mnliHeader}\tlabel1\tlabel2\tlabel3\tlabel4\tlabel5\tgold_label`, [`0\t2\t2e\t${g}\t(x)\t(y)\t(X)\t(Y)\tShe reads.\tShe is reading.\tentailment\tentailment\tentailment\tneutral\tentailment\tentailment`]);
  files['MNLI/dev_matched.tsv'] = dev('fiction');
  files['MNLI/dev_mismatched.tsv'] = dev('letters');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}
