import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { compareStrings } from '../core/selector';

/*
 * Objects that a construct emits one by one as intent arrives (an AuthorizationPolicy per destination, a
 * DestinationRule per Service) would be written in declaration order, so swapping two lines of a program
 * would reorder the YAML. A SortedObjects set emits them in the order of their keys instead: the n-th
 * object emitted renders the n-th item by key, whatever order the items were added in.
 */

/** One object of a sorted set: its key and how to render its metadata and spec. */
export interface SortedItem {
  /** Orders the items; unique within the set. */
  readonly key: string;
  /** The object's name and namespace. */
  readonly metadata: () => ApiObjectMetadata;
  /** The object's spec, as plain JSON. */
  readonly spec: () => any;
}

/** A set of objects of one kind, emitted in key order. */
export class SortedObjects {
  private readonly items: SortedItem[] = [];
  private sorted?: SortedItem[];

  /**
   * @param scope where the objects live (their chart is this construct's)
   * @param idPrefix construct ids are `<idPrefix><n>`
   * @param apiVersion the objects' apiVersion
   * @param kind the objects' kind
   */
  public constructor(private readonly scope: Construct, private readonly idPrefix: string,
    private readonly apiVersion: string, private readonly kind: string) {}

  /**
   * Adds an item (one more object is emitted).
   * @param scope where this object is created, when not the set's scope (objects render in tree order)
   */
  public add(item: SortedItem, scope: Construct = this.scope): void {
    this.sorted = undefined;
    this.items.push(item);
    new SortedSlot(scope, `${this.idPrefix}${this.items.length}`, this, this.items.length - 1, this.apiVersion, this.kind);
  }

  /** The item the `index`-th object renders. */
  public itemAt(index: number): SortedItem {
    if (!this.sorted) this.sorted = [...this.items].sort((a, b) => compareStrings(a.key, b.key));
    return this.sorted[index];
  }
}

/** One emitted object of a set: it renders the item at its position in key order. */
class SortedSlot extends ApiObject {
  public constructor(scope: Construct, id: string, private readonly set: SortedObjects, private readonly index: number,
    apiVersion: string, kind: string) {
    super(scope, id, { apiVersion, kind, metadata: {} });
  }

  public toJson(): any {
    const item = this.set.itemAt(this.index);
    const own = super.toJson();
    const metadata = { ...own.metadata, ...item.metadata() };
    // Keep the metadata keys in the sorted order cdk8s gives every other object.
    const sortedMetadata = Object.fromEntries(Object.keys(metadata).sort(compareStrings).map((k) => [k, (metadata as any)[k]]));
    return { ...own, metadata: sortedMetadata, spec: item.spec() };
  }
}
