"""The inputs, read once: the input folder and its files, the year's configuration, last year's record, the projects
abolished this year, section 3's statistics, the card settings, and what a killed run left half moved."""
