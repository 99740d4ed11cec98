; Typed-add misses: int + float takes the fallback (a float result), string + int is an error.
(display (+ 1 2.5)) (newline)
(display (- 10 (+ 1 2))) (newline)
(display (+ "a" 1)) (newline)
