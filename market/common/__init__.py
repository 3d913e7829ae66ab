"""Building blocks shared by every area: types, errors, pagination, access checks."""
