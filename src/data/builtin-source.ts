/**
 * The built-in pretraining text: a few KB of plain English written for mbench, one sample per sentence, with a
 * word-level tokenizer. It exists so `mbench pretrain --corpus builtin` runs anywhere in seconds; the real corpora
 * and the WordPiece tokenizer are corpus.ts and wordpiece.ts beside it.
 */
import { TextSource } from './text-source.js';

/** The corpus name (`--corpus builtin`, a sweep's `corpus: builtin`) that picks this text and its own tokenizer. */
export const BUILTIN_CORPUS = 'builtin';

const BUILTIN_TEXT = `
The river runs past the old mill and under the stone bridge before it reaches the town. In spring the water is
high and brown, and the children watch it from the bridge after school. In summer the river is low and clear, and
the fish can be seen resting in the shade of the willows. The miller's family kept bees in the meadow by the river,
and the honey was sold at the market on Saturday mornings. The market opens early, when the light is still grey and
the bakers are carrying bread from their ovens. A farmer brings apples, pears and plums in wooden boxes, and a
woman from the hills sells cheese wrapped in cloth. People talk about the weather, the price of bread and the news
from the city. When it rains, the stalls are covered with canvas and the square smells of wet stone and coffee.

The library stands on the corner of the square, next to the post office. It has tall windows and a quiet reading
room where students come to work in the afternoon. The librarian knows every book on the shelves and can find a
lost map or an old newspaper in a few minutes. On winter evenings the library is warm, and the lamps make small
circles of yellow light on the long tables. A teacher reads stories to the younger children on Thursday, and the
older ones borrow books about ships, stars and machines. The oldest book in the building is a record of the town,
written by hand, with the names of families, the dates of floods and the cost of building the bridge.

The railway came to the valley many years ago. Before the trains, goods travelled by cart along the river road,
and a journey to the city took three days. The station is small, with one platform, a clock and a bench painted
green. Each morning the first train leaves at seven, carrying workers, students and letters. The driver waves to
the farmer in the field beside the line, and the farmer lifts his hat in reply. In the evening the last train
returns, and its lights can be seen moving slowly along the valley like a string of beads.

Above the town the forest climbs the side of the hill. Paths lead between the trees to a lake where deer drink at
dawn. In autumn the leaves turn red and gold, and the ground is soft with needles and moss. Walkers gather
mushrooms and berries, and some of them know which ones are safe to eat. A small hut near the lake gives shelter
when a storm comes over the hill. From the top of the hill you can see the river, the roofs of the town, the
railway line and, on a clear day, the towers of the city far away.

The school has four classrooms, a hall and a garden where the pupils grow beans, carrots and sunflowers. The
teachers ask the children to measure the plants every week and to write the numbers in a notebook. At the end of
the summer they draw a chart to show how fast each plant has grown. The tallest sunflower is always taller than
the teacher, and the children are proud of it. In the hall there is a piano, and on Friday afternoons the pupils
sing songs about the seasons, the river and the hills.

Winter in the valley is long and cold. Snow covers the fields, the river freezes near its banks and the smoke from
the chimneys rises straight into the still air. The baker opens earlier than usual, because people want warm bread
before they go to work. The children build a snowman in the square and give it a scarf and a hat. At night the
stars are bright, and the old astronomer who lives near the station sets up his telescope in the garden. He shows
the planets to anyone who knocks on his gate and explains how far away they are and how long their light has
travelled. When spring returns, the snow melts, the river rises again and the bees return to the meadow.
`;

/** Sentences of the built-in text, whitespace normalised. */
export function builtinSentences(): string[] {
  return BUILTIN_TEXT.replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function builtinSource(): TextSource {
  return new TextSource(builtinSentences());
}
