; Parallel tables (lisp -p): each unit (from the shared queue) fills a hash table from its own
; slice of a sequence and adds its largest bucket and its number of buckets.
(define units (* 16 scale))
(define total 0)
(define u (next-unit))
(while (< u units)
  (let ((histogram (make-table)) (k 0) (largest 0))
    (while (< k 300)
      (let ((bucket (mod (* (+ k (* u 300)) 7919) 97)))
        (table-set! histogram bucket (+ 1 (table-get histogram bucket 0))))
      (set! k (+ k 1)))
    (set! k 0)
    (while (< k 97)
      (if (> (table-get histogram k 0) largest) (set! largest (table-get histogram k 0)))
      (set! k (+ k 1)))
    (set! total (+ total (+ largest (table-count histogram)))))
  (set! u (next-unit)))
total
