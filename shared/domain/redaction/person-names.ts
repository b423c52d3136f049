/**
 * Common given names of the main markets (English-speaking, French, German, Spanish and Latin
 * American, Italian, Portuguese and Brazilian, Dutch, Indian, Chinese pinyin, Japanese, Korean,
 * Arabic), used by the opt-in `PERSON` detector: a listed given name followed by a capitalised
 * surname is a name. Words that are mostly not names (`May`, `Will`, `Grace`) are left out, and a
 * surname is required anyway.
 */
// biome-ignore format: a word list reads better in rows
export const GIVEN_NAMES: ReadonlySet<string> = new Set([
  'James', 'John', 'Robert', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Steven', 'Paul', 'Andrew', 'Joshua', 'Kenneth', 'Kevin',
  'Brian', 'George', 'Timothy', 'Ronald', 'Edward', 'Jason', 'Jeffrey', 'Ryan', 'Jacob', 'Gary', 'Nicholas',
  'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon', 'Benjamin', 'Samuel', 'Gregory',
  'Alexander', 'Patrick', 'Jack', 'Dennis', 'Jerry', 'Tyler', 'Aaron', 'Henry', 'Peter', 'Oliver', 'Harry',
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Margaret', 'Sandra', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Dorothy', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Kathleen', 'Amy', 'Angela', 'Shirley', 'Anna', 'Brenda', 'Pamela', 'Emma', 'Nicole', 'Helen', 'Samantha',
  'Katherine', 'Christine', 'Rachel', 'Catherine', 'Olivia', 'Sophie', 'Charlotte', 'Amelia', 'Jane', 'Ada',
  'Jean', 'Pierre', 'Louis', 'Nicolas', 'Julien', 'Mathieu', 'Antoine', 'Camille', 'Manon', 'Chloé', 'Léa',
  'Juliette', 'Margaux', 'Élodie', 'Isabelle', 'Nathalie', 'Sylvie', 'Céline', 'Amélie', 'François', 'Étienne',
  'Hans', 'Jürgen', 'Klaus', 'Stefan', 'Andreas', 'Wolfgang', 'Uwe', 'Lukas', 'Felix', 'Jonas', 'Maximilian',
  'Sabine', 'Ursula', 'Petra', 'Monika', 'Katrin', 'Anja', 'Birgit', 'Lena', 'Leonie', 'Hannah', 'Johanna',
  'José', 'Juan', 'Carlos', 'Javier', 'Miguel', 'Alejandro', 'Diego', 'Pablo', 'Sergio', 'Fernando', 'Jorge',
  'Luis', 'Alberto', 'Raúl', 'Andrés', 'Lucía', 'Sofía', 'Valentina', 'Camila', 'Isabella', 'Mariana',
  'Carmen', 'Laura', 'Elena', 'Marta', 'Paula', 'Ana', 'María', 'Maria', 'Guadalupe', 'Alejandra',
  'Giuseppe', 'Giovanni', 'Francesco', 'Alessandro', 'Lorenzo', 'Matteo', 'Marco', 'Luca', 'Andrea',
  'Giulia', 'Francesca', 'Chiara', 'Alessia', 'Federica', 'Martina', 'Giorgia', 'Beatrice', 'Paolo',
  'João', 'Pedro', 'Gabriel', 'Rafael', 'Gustavo', 'Thiago', 'Bruno', 'Felipe', 'Mateus', 'Larissa',
  'Beatriz', 'Fernanda', 'Juliana', 'Gabriela', 'Letícia', 'Bianca', 'Daan', 'Sem', 'Bram', 'Thijs', 'Jan',
  'Pieter', 'Sanne', 'Femke', 'Anouk', 'Lotte', 'Eva', 'Rahul', 'Amit', 'Priya', 'Ananya', 'Arjun', 'Rohan',
  'Vikram', 'Sanjay', 'Deepak', 'Anil', 'Sunita', 'Pooja', 'Neha', 'Aditya', 'Kavya', 'Lakshmi', 'Ravi',
  'Wei', 'Fang', 'Xiaoming', 'Jing', 'Yan', 'Hui', 'Lei', 'Jun', 'Ming', 'Yong', 'Xiu', 'Hiroshi', 'Takashi',
  'Kenji', 'Yuki', 'Haruto', 'Sota', 'Yui', 'Aoi', 'Sakura', 'Hana', 'Yuto', 'Kaito', 'Ji-woo', 'Min-jun',
  'Seo-yeon', 'Ji-hoon', 'Hyun-woo', 'Soo-jin', 'Mohammed', 'Muhammad', 'Ahmed', 'Ali', 'Omar', 'Yusuf',
  'Hassan', 'Fatima', 'Aisha', 'Layla', 'Noor', 'Mariam', 'Olga', 'Ivan', 'Dmitri', 'Sergei', 'Natalia',
  'Tatiana', 'Anastasia', 'Agnieszka', 'Katarzyna', 'Piotr', 'Krzysztof', 'Chidi', 'Ngozi', 'Kwame', 'Amara',
  // ASCII spellings of the names above (the trigger search looks for ASCII only).
  'Chloe', 'Lea', 'Elodie', 'Celine', 'Amelie', 'Francois', 'Etienne', 'Juergen', 'Jose', 'Raul', 'Andres',
  'Lucia', 'Sofia', 'Joao', 'Leticia',
]);
