package ob3

// List is a multi-valued member: a single item is accepted on input, an array is always
// written (and omitted when empty).
type List[T any] []T

// UnmarshalJSON accepts one item or an array of items.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	list, err := oneOrMany[T](b, "expected one value or an array")
	if err != nil {
		return err
	}
	*l = list
	return nil
}
