import { pySplit, pyStrip } from "@vlmeval/internal";

const PUNCTUATION = [
  ";",
  "/",
  "[",
  "]",
  '"',
  "{",
  "}",
  "(",
  ")",
  "=",
  "+",
  "\\",
  "_",
  "-",
  ">",
  "<",
  "@",
  "`",
  ",",
  "?",
  "!",
];
const COMMA_BETWEEN_DIGITS = /\p{Nd},\p{Nd}/u;
/** `(?<!\d)\.(?!\d)` as in VLMEvalKit's `process_punctuation` (smp/misc.py:26): `3.` keeps its period. */
const PERIOD_AWAY_FROM_DIGITS = /(?<!\p{Nd})\.(?!\p{Nd})/gu;
/** VLMEvalKit passes `re.UNICODE` (32) where `re.sub` expects its count: only 32 periods go. */
const PERIOD_REMOVAL_LIMIT = 32;

const NUMBER_WORDS: ReadonlyMap<string, string> = new Map(Object.entries({
  none: "0",
  zero: "0",
  one: "1",
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
  ten: "10",
}));
const ARTICLES = new Set(["a", "an", "the"]);

/** The VQA evaluation's contraction fixes, written as `apostrophe-less form: proper form`. */
const CONTRACTIONS: ReadonlyMap<string, string> = new Map(
  (
    "aint:ain't arent:aren't cant:can't couldve:could've couldnt:couldn't couldn'tve:couldn't've " +
    "couldnt've:couldn't've didnt:didn't doesnt:doesn't dont:don't hadnt:hadn't hadnt've:hadn't've " +
    "hadn'tve:hadn't've hasnt:hasn't havent:haven't hed:he'd hed've:he'd've he'dve:he'd've hes:he's " +
    "howd:how'd howll:how'll hows:how's Id've:I'd've I'dve:I'd've Im:I'm Ive:I've isnt:isn't " +
    "itd:it'd itd've:it'd've it'dve:it'd've itll:it'll let's:let's maam:ma'am mightnt:mightn't " +
    "mightnt've:mightn't've mightn'tve:mightn't've mightve:might've mustnt:mustn't mustve:must've " +
    "neednt:needn't notve:not've oclock:o'clock oughtnt:oughtn't ow's'at:'ow's'at 'ows'at:'ow's'at " +
    "'ow'sat:'ow's'at shant:shan't shed've:she'd've she'dve:she'd've she's:she's " +
    "shouldve:should've shouldnt:shouldn't shouldnt've:shouldn't've shouldn'tve:shouldn't've " +
    "somebody'd:somebodyd somebodyd've:somebody'd've somebody'dve:somebody'd've " +
    "somebodyll:somebody'll somebodys:somebody's someoned:someone'd someoned've:someone'd've " +
    "someone'dve:someone'd've someonell:someone'll someones:someone's somethingd:something'd " +
    "somethingd've:something'd've something'dve:something'd've somethingll:something'll " +
    "thats:that's thered:there'd thered've:there'd've there'dve:there'd've therere:there're " +
    "theres:there's theyd:they'd theyd've:they'd've they'dve:they'd've theyll:they'll " +
    "theyre:they're theyve:they've twas:'twas wasnt:wasn't wed've:we'd've we'dve:we'd've " +
    "weve:we've werent:weren't whatll:what'll whatre:what're whats:what's whatve:what've " +
    "whens:when's whered:where'd wheres:where's whereve:where've whod:who'd whod've:who'd've " +
    "who'dve:who'd've wholl:who'll whos:who's whove:who've whyll:why'll whyre:why're whys:why's " +
    "wont:won't wouldve:would've wouldnt:wouldn't wouldnt've:wouldn't've wouldn'tve:wouldn't've " +
    "yall:y'all yall'll:y'all'll y'allll:y'all'll yall'd've:y'all'd've y'alld've:y'all'd've " +
    "y'all'dve:y'all'd've youd:you'd youd've:you'd've you'dve:you'd've youll:you'll " +
    "youre:you're youve:you've"
  ).split(" ").map((pair) => pair.split(":") as [string, string]),
);

/**
 * VLMEvalKit's `process_punctuation` (from the VQA evaluation): each of 21 punctuation marks is
 * deleted when it touches a space (or when the text has a digit-comma-digit anywhere), otherwise
 * replaced by a space; then periods neither preceded nor followed by a digit are deleted (the first
 * 32 only).
 */
export function processPunctuation(text: string): string {
  let out = text;
  const commaInNumber = COMMA_BETWEEN_DIGITS.test(text);
  for (const p of PUNCTUATION) {
    const touchesSpace = text.includes(p + " ") || text.includes(" " + p);
    out = out.replaceAll(p, touchesSpace || commaInNumber ? "" : " ");
  }
  let removed = 0;
  return out.replace(
    PERIOD_AWAY_FROM_DIGITS,
    (period) => removed++ < PERIOD_REMOVAL_LIMIT ? "" : period,
  );
}

/**
 * VLMEvalKit's `_process_digit_article`: lowercase, split on whitespace, number words to digits,
 * drop `a`/`an`/`the`, fix contractions, join with single spaces.
 */
export function processDigitArticle(text: string): string {
  const words = pySplit(text.toLowerCase())
    .map((word) => NUMBER_WORDS.get(word) ?? word)
    .filter((word) => !ARTICLES.has(word));
  return words.map((word) => CONTRACTIONS.get(word) ?? word).join(" ");
}

/**
 * VLMEvalKit's `process_answer` for VQA: newlines and tabs to spaces, strip, then
 * {@linkcode processPunctuation} and {@linkcode processDigitArticle}.
 *
 * @example
 * ```ts
 * import { normalizeVqaAnswer } from "@vlmeval/scoring";
 * normalizeVqaAnswer("The Two dogs."); // "2 dogs"
 * ```
 */
export function normalizeVqaAnswer(text: string): string {
  const flat = pyStrip(text.replaceAll("\n", " ").replaceAll("\t", " "));
  return processDigitArticle(processPunctuation(flat));
}
