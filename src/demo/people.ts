import type { NameGroup, NamesFile, Weights } from './definition';
import type { PlannedFund } from './plan.types';
import { Random } from './random';

/** The birth years a category's head of household plausibly has. */
const BIRTH_YEARS: Record<string, [number, number]> = {
  heroic_mother: [1915, 1935],
  pre_1945_revolutionary: [1918, 1928],
  pre_uprising_revolutionary: [1920, 1930],
  armed_forces_hero: [1940, 1962],
  labour_hero: [1935, 1950],
  martyr_relative: [1935, 1975],
  war_invalid: [1945, 1965],
  sick_soldier: [1945, 1965],
  resistance_participant: [1935, 1962],
  toxic_chemical_victim: [1940, 1958],
  imprisoned: [1930, 1955],
  revolution_helper: [1920, 1945],
  other: [1940, 1980],
};

/** The prefix of a household's record number (số hồ sơ) by category. */
const RECORD_PREFIX: Record<string, string> = {
  heroic_mother: 'BM',
  pre_1945_revolutionary: 'LT',
  pre_uprising_revolutionary: 'TKN',
  armed_forces_hero: 'AH',
  labour_hero: 'AHLD',
  martyr_relative: 'LS',
  war_invalid: 'TB',
  sick_soldier: 'BB',
  resistance_participant: 'KC',
  toxic_chemical_victim: 'CDHH',
  imprisoned: 'TD',
  revolution_helper: 'GDCM',
  other: 'K',
};

/** Lào Cai's 3-digit province code, first in a CCCD; legacy 9-digit CMND of Lào Cai begin with 063. */
const CCCD_PROVINCE = '010';
const CMND_PREFIX = '063';

export interface Person {
  fullName: string;
  female: boolean;
  birthYear: number;
}

/** Invented people: names from the ethnic pools of names.json, citizen IDs, addresses, record numbers. */
export class People {
  private readonly ids = new Set<string>();
  private recordSeq = 0;

  constructor(
    private readonly rng: Random,
    private readonly names: NamesFile,
  ) {}

  /** A full name of someone from a place whose people are mixed as `people` says. */
  name(people: Weights, female: boolean): string {
    const group: NameGroup = this.names.groups[this.rng.weighted(people)];
    const family = this.rng.weighted(group.family);
    const middle = this.rng.pick(female ? group.femaleMiddle : group.maleMiddle);
    const given = this.rng.pick(female ? group.femaleGiven : group.maleGiven);
    return `${family} ${middle} ${given}`;
  }

  /** The head of a household of `category`. */
  person(people: Weights, category: string): Person {
    const female = category === 'heroic_mother' || this.rng.chance(25);
    const [from, to] = BIRTH_YEARS[category] ?? BIRTH_YEARS.other;
    return { fullName: this.name(people, female), female, birthYear: this.rng.int(from, to) };
  }

  /** A CCCD (12 digits), a legacy CMND (9 digits) or none, as old records are. Never the same twice. */
  nationalId(person: Person): string | null {
    const old = person.birthYear < 1935;
    const roll = this.rng.int(1, 100);
    const kind = old
      ? roll <= 40
        ? 'none'
        : roll <= 80
          ? 'cmnd'
          : 'cccd'
      : roll <= 10
        ? 'none'
        : roll <= 25
          ? 'cmnd'
          : 'cccd';
    if (kind === 'none') return null;
    for (;;) {
      const serial = String(this.rng.int(0, 999_999)).padStart(6, '0');
      const id =
        kind === 'cmnd'
          ? `${CMND_PREFIX}${serial}`
          : `${CCCD_PROVINCE}${genderCentury(person)}${String(person.birthYear % 100).padStart(2, '0')}${serial}`;
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
  }

  /** "Thôn Sín Chải, xã Tả Van, thị xã Sa Pa" or "Tổ dân phố 7, phường Cốc Lếu, thành phố Lào Cai". */
  address(commune: PlannedFund, district: PlannedFund | null): string {
    const local = commune.ward
      ? `Tổ dân phố ${this.rng.int(1, 24)}`
      : `Thôn ${this.rng.pick(this.names.villages)}`;
    return [local, commune.place, district?.place].filter(Boolean).join(', ');
  }

  recordNo(category: string): string {
    this.recordSeq += 1;
    return `${RECORD_PREFIX[category] ?? 'K'}-${String(this.recordSeq).padStart(5, '0')}`;
  }
}

/** The 4th digit of a CCCD: 0/1 for a man/woman born in the 1900s, 2/3 in the 2000s. */
function genderCentury(person: Person): number {
  return (person.birthYear >= 2000 ? 2 : 0) + (person.female ? 1 : 0);
}

/** "xã Tả Van" → "Xã Tả Van": how the registry writes a commune. */
export function capitalized(place: string): string {
  return place.charAt(0).toUpperCase() + place.slice(1);
}
