"""The district's places: its subdistricts (街道) with centroids, from a replaceable data file."""
